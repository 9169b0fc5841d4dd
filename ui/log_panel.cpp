#include "log_panel.h"

#include <QFontDatabase>
#include <QTime>

namespace facemix::ui {

LogPanel::LogPanel(QWidget* parent) : QPlainTextEdit(parent) {
    setObjectName(QStringLiteral("log"));
    setReadOnly(true);
    setMaximumBlockCount(5000);
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
}

void LogPanel::append(Level level, const QString& message) {
    const QString time = QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
    QString color;
    QString tag;
    switch (level) {
        case Level::Info: break;
        case Level::Warning: color = QStringLiteral("#d8a020"); tag = tr("warning: "); break;
        case Level::Error: color = QStringLiteral("#e0504a"); tag = tr("error: "); break;
    }
    const QString text = (tag + message).toHtmlEscaped();
    const QString body = color.isEmpty() ? text : QStringLiteral("<span style=\"color:%1\">%2</span>").arg(color, text);
    appendHtml(QStringLiteral("<span style=\"color:#808080\">%1</span>&nbsp;&nbsp;%2").arg(time, body));
}

}  // namespace facemix::ui
