#pragma once

#include <functional>

#include <QString>

#include "mix_results.h"
#include "mix_session.h"
#include "session_capture.h"

namespace facemix::ui {

class MixPlanner;
class ModelPanel;
class SettingsPanel;
class SourceList;

// Between the window's panels and the session format: what a session file holds of them, and the panels
// set up again from one.
class SessionTranslator {
public:
    SessionTranslator(SourceList* faces, SourceList* backgrounds, SettingsPanel* settings, ModelPanel* model, MixPlanner* planner);

    CapturedSession capture(const MixResults& results) const;
    // Replaces the lists and settings with the session's and opens its model unless it is open already.
    // The photos go back through alignment, so the cells' seeds and locks are pinned in the planner for
    // the next Mix. A model that is not there any more is a problem, reported as it is met.
    void apply(const MixSession& session, const std::function<void(const QString&)>& report_problem);

private:
    SourceList* faces_;
    SourceList* backgrounds_;
    SettingsPanel* settings_;
    ModelPanel* model_;
    MixPlanner* planner_;
};

}  // namespace facemix::ui
