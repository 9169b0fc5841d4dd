#include "studio_style.h"

#include <QApplication>
#include <QIcon>
#include <QPalette>
#include <QStyleFactory>

// Resources compiled into a static library are registered by hand (Q_INIT_RESOURCE works outside
// any namespace only).
static void register_studio_icons() { Q_INIT_RESOURCE(studio_icons); }

namespace facemix::ui {

QIcon studio_icon() {
    register_studio_icons();
    QIcon icon;
    for (const int side : {16, 24, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/facemix-%1.png").arg(side), QSize(side, side));
    return icon;
}

void apply_studio_style(QApplication& app) {
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p;
    const QColor window(45, 46, 49);
    const QColor base(32, 33, 35);
    const QColor text(222, 222, 224);
    const QColor highlight(64, 132, 214);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(40, 41, 44));
    p.setColor(QPalette::ToolTipBase, QColor(58, 59, 63));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(128, 129, 134));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(56, 57, 61));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(255, 90, 80));
    p.setColor(QPalette::Light, QColor(78, 79, 84));
    p.setColor(QPalette::Midlight, QColor(96, 98, 104));
    p.setColor(QPalette::Mid, QColor(84, 86, 92));
    p.setColor(QPalette::Dark, QColor(24, 25, 27));
    p.setColor(QPalette::Shadow, QColor(12, 12, 13));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, highlight.lighter(130));
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(118, 119, 124));
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(80, 80, 84));
    app.setPalette(p);
}

}  // namespace facemix::ui
