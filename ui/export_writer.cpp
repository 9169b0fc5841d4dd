#include "export_writer.h"

#include <exception>
#include <utility>

namespace facemix::ui {

ExportWriter::ExportWriter(QObject* parent) : QObject(parent) {
    pool_.setMaxThreadCount(1);
    pool_.setObjectName(QStringLiteral("facemix-export"));
}

ExportWriter::~ExportWriter() { pool_.waitForDone(); }

quint64 ExportWriter::submit(const QString& what, std::function<QStringList()> write) {
    const quint64 id = next_id_++;
    pool_.start([this, id, what, write = std::move(write)] {
        QStringList files;
        QString error;
        try {
            files = write();
        } catch (const std::exception& failure) {
            error = tr("%1 failed: %2").arg(what, QString::fromUtf8(failure.what()));
        }
        // The destructor waits for this thread, so `this` outlives the post, and an answer still queued
        // when the writer goes is dropped with it.
        QMetaObject::invokeMethod(
            this,
            [this, id, what, files, error] {
                if (!error.isEmpty())
                    emit failed(id, error);
                else
                    emit written(id, what, files);
            },
            Qt::QueuedConnection);
    });
    return id;
}

}  // namespace facemix::ui
