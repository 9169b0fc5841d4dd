#include "mix_session.h"

#include <cmath>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace facemix::ui {
namespace {

const QString kFormat = QStringLiteral("facemix-session");

QJsonObject source_to_json(const SessionSource& source) {
    QJsonObject object{{QStringLiteral("path"), source.path}, {QStringLiteral("face_index"), source.face_index}};
    // Only a person's photos carry these, so a session of single photos reads as format 1 did.
    if (source.weight != 1.0) object.insert(QStringLiteral("weight"), source.weight);
    if (source.pasted()) object.insert(QStringLiteral("pasted_hash"), source.pasted_hash);
    if (!source.same_person.empty()) {
        QJsonArray more;
        for (const SessionSource& photo : source.same_person) more.append(source_to_json(photo));
        object.insert(QStringLiteral("same_person"), more);
    }
    return object;
}

QJsonArray sources_to_json(const QList<SessionSource>& sources) {
    QJsonArray array;
    for (const SessionSource& source : sources) array.append(source_to_json(source));
    return array;
}

// `nested`: a photo inside same_person, which may not hold photos of its own.
bool source_from_json(const QJsonValue& item, bool nested, SessionSource& source) {
    const QJsonObject object = item.toObject();
    const QJsonValue path = object.value(QStringLiteral("path"));
    const QJsonValue face = object.value(QStringLiteral("face_index"));
    if (!path.isString() || path.toString().isEmpty() || !face.isDouble() || face.toInt(-1) < 0) return false;
    source.path = path.toString();
    source.face_index = face.toInt();
    const QJsonValue weight = object.value(QStringLiteral("weight"));
    if (!weight.isUndefined()) {
        if (!weight.isDouble() || !(weight.toDouble() > 0.0) || !std::isfinite(weight.toDouble())) return false;
        source.weight = weight.toDouble();
    }
    const QJsonValue pasted = object.value(QStringLiteral("pasted_hash"));
    if (!pasted.isUndefined()) {
        if (!pasted.isString() || pasted.toString().isEmpty()) return false;
        source.pasted_hash = pasted.toString();
    }
    const QJsonValue more = object.value(QStringLiteral("same_person"));
    if (more.isUndefined()) return true;
    if (nested || !more.isArray()) return false;
    for (const QJsonValue& photo : more.toArray()) {
        SessionSource other;
        if (!source_from_json(photo, true, other)) return false;
        source.same_person.push_back(std::move(other));
    }
    return true;
}

bool sources_from_json(const QJsonValue& value, QList<SessionSource>& sources) {
    if (!value.isArray()) return false;
    for (const QJsonValue& item : value.toArray()) {
        SessionSource source;
        if (!source_from_json(item, false, source)) return false;
        sources.append(std::move(source));
    }
    return true;
}

}  // namespace

QByteArray session_to_json(const MixSession& session) {
    QJsonArray cells;
    for (const SessionCell& cell : session.cells) {
        QJsonObject object{{QStringLiteral("row"), cell.row},
                           {QStringLiteral("column"), cell.column},
                           // As text: JSON numbers are doubles, which hold only 53 bits of a 64-bit seed.
                           {QStringLiteral("seed"), QString::number(cell.seed)},
                           {QStringLiteral("locked"), cell.locked}};
        if (!cell.image.isEmpty()) object.insert(QStringLiteral("image"), cell.image);
        cells.append(object);
    }
    const QJsonObject root{{QStringLiteral("format"), kFormat},
                           {QStringLiteral("version"), MixSession::kFormatVersion},
                           {QStringLiteral("model"), session.model_path},
                           {QStringLiteral("faces"), sources_to_json(session.faces)},
                           {QStringLiteral("backgrounds"), sources_to_json(session.backgrounds)},
                           {QStringLiteral("settings"), QJsonObject::fromVariantMap(studio_settings_values(session.settings))},
                           {QStringLiteral("cells"), cells}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

std::optional<MixSession> session_from_json(const QByteArray& json, const QString& what, QString& error) {
    QJsonParseError parse;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parse);
    if (parse.error != QJsonParseError::NoError || !document.isObject()) {
        error = QObject::tr("%1 is not a facemix session (not JSON).").arg(what);
        return std::nullopt;
    }
    const QJsonObject root = document.object();
    if (root.value(QStringLiteral("format")).toString() != kFormat) {
        error = QObject::tr("%1 is not a facemix session.").arg(what);
        return std::nullopt;
    }
    const int version = root.value(QStringLiteral("version")).toInt(0);
    if (version < 1 || version > MixSession::kFormatVersion) {
        error = QObject::tr("%1 is a session of format %2, which this facemix does not read.").arg(what).arg(version);
        return std::nullopt;
    }
    MixSession session;
    session.model_path = root.value(QStringLiteral("model")).toString();
    if (!sources_from_json(root.value(QStringLiteral("faces")), session.faces) ||
        !sources_from_json(root.value(QStringLiteral("backgrounds")), session.backgrounds)) {
        error = QObject::tr("%1 lists a photo without a path or face index, or with a weight that is not a positive number.").arg(what);
        return std::nullopt;
    }
    session.settings = studio_settings_from_values(root.value(QStringLiteral("settings")).toObject().toVariantMap());
    for (const QJsonValue& item : root.value(QStringLiteral("cells")).toArray()) {
        const QJsonObject object = item.toObject();
        SessionCell cell;
        cell.row = object.value(QStringLiteral("row")).toInt(-1);
        cell.column = object.value(QStringLiteral("column")).toInt(-1);
        bool ok = false;
        cell.seed = object.value(QStringLiteral("seed")).toString().toULongLong(&ok);
        cell.locked = object.value(QStringLiteral("locked")).toBool(false);
        cell.image = object.value(QStringLiteral("image")).toString();
        if (!ok || cell.row < 0 || cell.column < 0 || cell.row >= session.faces.size() ||
            cell.column >= session.backgrounds.size()) {
            error = QObject::tr("%1 has a cell outside its grid or without a seed.").arg(what);
            return std::nullopt;
        }
        session.cells.append(cell);
    }
    return session;
}

std::optional<MixSession> read_session_file(const QString& path, QString& error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        error = QObject::tr("Cannot read the session %1: %2.").arg(path, file.errorString());
        return std::nullopt;
    }
    // A session is a few kilobytes; a huge file is something else.
    if (file.size() > 16 * 1024 * 1024) {
        error = QObject::tr("%1 is too large to be a facemix session.").arg(path);
        return std::nullopt;
    }
    std::optional<MixSession> session = session_from_json(file.readAll(), path, error);
    if (!session) return session;
    const QDir beside = QFileInfo(path).absoluteDir();
    const auto resolve = [&](SessionSource& source) { source.path = QDir::cleanPath(beside.absoluteFilePath(source.path)); };
    for (QList<SessionSource>* sources : {&session->faces, &session->backgrounds})
        for (SessionSource& source : *sources) {
            resolve(source);
            for (SessionSource& photo : source.same_person) resolve(photo);
        }
    return session;
}

}  // namespace facemix::ui
