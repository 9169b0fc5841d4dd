#pragma once

#include <QString>

namespace facemix::ui {

// "1 cell", "9 cells": the studio ships no translations, so Qt's %n plural forms would say "1 cells".
inline QString counted(qsizetype count, const QString& one, const QString& many) {
    return QStringLiteral("%1 %2").arg(count).arg(count == 1 ? one : many);
}

}  // namespace facemix::ui
