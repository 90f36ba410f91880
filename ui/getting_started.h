#pragma once
// Help > Getting Started (issue 11, item 6): a short page for a designer's first hour, in
// the words the app uses (README "The first minutes", docs/guidance.md for the methods).
#include <QString>

class QDialog;
class QWidget;

namespace steer::ui {

// The page's text (HTML).
QString getting_started_text();
// Opens the page, non-modal; it deletes itself when closed. Its object name is
// "gettingStartedDialog".
QDialog* open_getting_started(QWidget* parent);

}  // namespace steer::ui
