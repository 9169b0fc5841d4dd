#include "studio_command_line.h"

#include <algorithm>

#include <QDir>
#include <QFileInfo>
#include <QObject>

namespace facemix::ui {

StudioFileKind studio_file_kind(const QString& path) {
    const QFileInfo info(path);
    if (info.isDir()) {
        // A diffusers folder is a model; any other folder is a folder of photos.
        const QDir dir(path);
        return dir.exists(QStringLiteral("model_index.json")) || dir.exists(QStringLiteral("unet")) ? StudioFileKind::Model
                                                                                                   : StudioFileKind::Photos;
    }
    static const QStringList sessions = {"fmxsession", "json"};
    static const QStringList models = {"safetensors", "ckpt", "pt", "pth", "bin"};
    const QString suffix = info.suffix().toLower();
    if (sessions.contains(suffix)) return StudioFileKind::Session;
    return models.contains(suffix) ? StudioFileKind::Model : StudioFileKind::Photos;
}

StudioFiles sort_studio_files(const QStringList& paths) {
    StudioFiles files;
    for (const QString& path : paths) {
        const StudioFileKind kind = studio_file_kind(path);
        (kind == StudioFileKind::Session ? files.sessions : kind == StudioFileKind::Model ? files.models : files.photos) << path;
    }
    return files;
}

bool StudioCommandLine::namesAModel() const {
    const auto is_model = [](const QString& path) { return studio_file_kind(path) == StudioFileKind::Model; };
    return std::any_of(faces.begin(), faces.end(), is_model) || std::any_of(backgrounds.begin(), backgrounds.end(), is_model);
}

StudioCommandLine parse_studio_command_line(const QStringList& arguments) {
    StudioCommandLine line;
    QStringList* files = &line.faces;
    bool options_ended = false;
    for (const QString& argument : arguments) {
        if (options_ended || !argument.startsWith(QLatin1Char('-')) || argument == QLatin1String("-")) {
            files->append(argument);
        } else if (argument == QLatin1String("--")) {
            options_ended = true;
        } else if (argument == QLatin1String("--help") || argument == QLatin1String("-h") || argument == QLatin1String("--version")) {
            continue;
        } else if (argument == QLatin1String("--faces")) {
            files = &line.faces;
        } else if (argument == QLatin1String("--backgrounds")) {
            files = &line.backgrounds;
        } else if (line.error.isEmpty()) {
            line.error = QObject::tr("facemix-studio has no option %1; facemix-studio --help lists them.").arg(argument);
        }
    }
    return line;
}

QString studio_usage() {
    return QObject::tr(
        "Usage: facemix-studio [FILE …] [--backgrounds FILE …] [--faces FILE …]\n"
        "\n"
        "The facemix studio: mixes every face photo with every background photo.\n"
        "\n"
        "Files are photos or folders of photos (they go to Faces, or to Backgrounds after\n"
        "--backgrounds), a session (.json, .fmxsession) to reopen, or a model (.safetensors, .ckpt,\n"
        "a diffusers folder) to open instead of the last one used.\n"
        "\n"
        "  -h, --help       this text\n"
        "      --version    the version\n"
        "      --faces      the files that follow are face photos (the default)\n"
        "      --backgrounds  the files that follow are background photos\n"
        "\n"
        "Qt's own options (-platform offscreen, -style …) work too.\n");
}

}  // namespace facemix::ui
