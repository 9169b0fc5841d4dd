#pragma once

#include <QPlainTextEdit>

namespace facemix::ui {

// The session log: one timestamped line per event, errors in red. Read-only and bounded, so a long
// session of thousands of cells does not grow it without end.
class LogPanel : public QPlainTextEdit {
    Q_OBJECT
public:
    enum class Level { Info, Warning, Error };

    explicit LogPanel(QWidget* parent = nullptr);

    void info(const QString& message) { append(Level::Info, message); }
    void warning(const QString& message) { append(Level::Warning, message); }
    void error(const QString& message) { append(Level::Error, message); }
    void append(Level level, const QString& message);
};

}  // namespace facemix::ui
