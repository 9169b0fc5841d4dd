#pragma once

#include <QString>
#include <QStringList>

namespace facemix::ui {

// What a file handed to the studio (its command line, a file manager's "Open with", a drop onto the
// window) stands for, judged by its name and, for a folder, what it holds: deciding must not mean
// reading a model of several GB.
enum class StudioFileKind { Photos, Session, Model };  // Photos: whatever is neither (the photo loader says what is wrong)
StudioFileKind studio_file_kind(const QString& path);

// Paths handed over together, sorted by kind, each list in the order given.
struct StudioFiles {
    QStringList sessions;
    QStringList models;
    QStringList photos;
};
StudioFiles sort_studio_files(const QStringList& paths);

// The studio's own arguments, once Qt has taken its own (-platform, -style …): files, which go to
// Faces until --backgrounds (and back after --faces); a session or a model among them is opened as
// such wherever it stands.
// --help and --version are answered before Qt starts (no display needed) and skipped here.
struct StudioCommandLine {
    QStringList faces;
    QStringList backgrounds;
    QString error;  // one sentence about an argument the studio does not know; empty when all is well

    bool namesAModel() const;
};
StudioCommandLine parse_studio_command_line(const QStringList& arguments);  // without the program name

QString studio_usage();

}  // namespace facemix::ui
