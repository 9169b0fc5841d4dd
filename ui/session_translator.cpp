#include "session_translator.h"

#include <QFileInfo>
#include <QMap>
#include <QSet>

#include "mix_planner.h"
#include "model_panel.h"
#include "settings_panel.h"
#include "source_list.h"

namespace facemix::ui {
namespace {

// One alignment request per photo, with the faces of it the session names, in the session's order; a
// person's other photos are aligned once its row is there.
void add_photos(SourceList& list, const QList<SessionSource>& sources) {
    QStringList order;
    QMap<QString, QList<int>> faces;
    QMap<QString, QMap<int, PersonSpec>> people;
    QSet<QString> pasted;
    for (const SessionSource& source : sources) {
        if (!faces.contains(source.path)) order << source.path;
        faces[source.path] << source.face_index;
        if (source.pasted()) pasted.insert(source.path);
        if (source.same_person.empty() && source.weight == 1.0) continue;
        PersonSpec& person = people[source.path][source.face_index];
        person.weight = source.weight;
        for (const SessionSource& photo : source.same_person) person.more.append({photo.path, photo.face_index, photo.weight, photo.pasted()});
    }
    for (const QString& photo : order) list.addPhotoFaces(photo, faces[photo], people.value(photo), pasted.contains(photo));
}

}  // namespace

SessionTranslator::SessionTranslator(SourceList* faces, SourceList* backgrounds, SettingsPanel* settings, ModelPanel* model,
                                     MixPlanner* planner)
    : faces_(faces), backgrounds_(backgrounds), settings_(settings), model_(model), planner_(planner) {}

CapturedSession SessionTranslator::capture(const MixResults& results) const {
    return capture_session(model_->modelPath(), settings_->settings(), faces_->entries(), backgrounds_->entries(), results);
}

void SessionTranslator::apply(const MixSession& session, const std::function<void(const QString&)>& report_problem) {
    faces_->clearEntries();
    backgrounds_->clearEntries();
    planner_->clearPins();
    settings_->setSettings(session.settings);
    if (!session.model_path.isEmpty() && session.model_path != model_->modelPath()) {
        if (QFileInfo::exists(session.model_path))
            model_->openModel(session.model_path);
        else
            report_problem(QObject::tr("The session's model %1 is not there any more; open it or another one.").arg(session.model_path));
    }
    for (const SessionCell& cell : session.cells)
        planner_->pin(source_identity(session.faces[cell.row]), source_identity(session.backgrounds[cell.column]), cell.seed, cell.locked);
    add_photos(*faces_, session.faces);
    add_photos(*backgrounds_, session.backgrounds);
}

}  // namespace facemix::ui
