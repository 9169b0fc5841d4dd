#pragma once

#include <functional>

#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>

namespace facemix::ui {

// Writes files off the GUI thread, in the order asked, as the generation and alignment workers run
// theirs: a private thread that the writes queue on, and answers emitted on the GUI thread. Encoding
// full-size PNGs takes long enough to stall the window, and one thread keeps a folder's files from
// racing each other.
class ExportWriter : public QObject {
    Q_OBJECT
public:
    explicit ExportWriter(QObject* parent = nullptr);
    ~ExportWriter() override;  // waits for the queued writes: a half-written export is worse than a slow close

    // `write` runs on the writer's thread and returns the files it wrote; `what` names the export in
    // the answer, written() or failed() with the returned id.
    quint64 submit(const QString& what, std::function<QStringList()> write);
    // Returns once every queued write is on disk; their answers still come through the event loop.
    void flush() { pool_.waitForDone(); }

signals:
    void written(quint64 id, const QString& what, const QStringList& files);
    void failed(quint64 id, const QString& message);  // one sentence: "<what> failed: <why>"

private:
    QThreadPool pool_;
    quint64 next_id_ = 1;
};

}  // namespace facemix::ui
