#pragma once
// The compare board (docs/guidance.md, "What a designer compares"): a grid over method × λ × ω
// (or ω schedule) × seed × prompt around the Generate panel's request. Run builds a
// SweepPlan, validates it, and hands it to the engine thread; cells fill as their images
// arrive, each showing its own live preview while it runs. Columns are the first axis of
// SweepPlan::axes(), rows every combination of the others (the layout of the exported
// grid.png). A designer marks favourites, flips between two cells (A/B), enlarges a cell,
// re-runs one cell, or cancels the rest; finished images are saved into the board's output
// folder so a reopened project shows them without generating again.
//
// The board's state is a BoardModel (ui/board/board_model.h: cells, grid, selection,
// favourites, A/B, JSON); this widget draws it, turns clicks and keys into its changes, and
// runs its plans on the engine thread.
//
// Mouse and keys (on the grid): click selects, Ctrl+click adds to the selection (two
// selected cells become A and B), double click or Enter enlarges, the star toggles the
// favourite; arrows move the selection (Left/Right: previous/next cell, Up/Down: row),
// Space flips A/B, F toggles the favourite, A / B set the selected cell as A / B.
#include <QPoint>
#include <QPointer>
#include <QStringList>
#include <QWidget>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/export/sweep_record.h"
#include "core/formats/json.h"
#include "core/generation/generation_request.h"
#include "core/generation/sweep_plan.h"
#include "ui/board/board_model.h"
#include "ui/board/board_plan.h"

class QGridLayout;
class QLabel;
class QLineEdit;
class QMenu;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSlider;

namespace steer::ui {

class BoardCellView;
class CellDetailDialog;
class EngineBridge;
class ExportDialog;

class CompareBoard : public QWidget {
  Q_OBJECT
 public:
  // At most this many cells on one board (a 20 × 20 grid).
  static constexpr int kMaxCells = BoardModel::kMaxCells;

  explicit CompareBoard(EngineBridge& engine, QWidget* parent = nullptr);
  ~CompareBoard() override;

  // ---- Settings -------------------------------------------------------------------
  // The request every cell starts from (the Generate panel's settings); takes effect at
  // the next Run.
  void setBaseRequest(const GenerationRequest& request);
  const GenerationRequest& baseRequest() const { return model_.baseRequest(); }
  // The loaded model's native image side (0 unknown): under the Base line a note says when
  // the base size is far from it (issue 11, item 3), as the Generate panel does.
  void setNativeSide(int native_side);
  // The subject the engine has attached, and the device noise is drawn on when a request
  // asks for device noise: the bridge does not report them, and the export's sidecars
  // record them. Captured with the model folder (EngineBridge::modelFolder) at each Run.
  void setSubject(const SubjectSpec& subject);
  void setDevice(const std::string& device);
  // The attached subject's trigger words ("sks emblem"): the Prompts box's placeholder uses
  // them. Empty: a generic example.
  void setSubjectWords(const QString& words);
  // The axis fields (empty field: the base value; methods: the base method).
  void setAxisTexts(const BoardAxisTexts& texts);
  BoardAxisTexts axisTexts() const;
  // Where finished cell images are saved as PNGs (created when missing). Finished cells
  // not saved yet are saved now; cells whose saved image is missing are looked up here by
  // file name (a project folder that moved).
  void setOutputFolder(const std::filesystem::path& folder);
  const std::filesystem::path& outputFolder() const { return model_.outputFolder(); }

  // ---- Actions --------------------------------------------------------------------
  // Builds the plan from the fields, validates it and submits it. False, with
  // errorText() naming the field or the cell's setting, when it is not valid; any run in
  // progress is cancelled first.
  bool run();
  // Cancels the sweep and re-runs in progress: finished cells stay, the rest are left
  // empty, and the board is ready for the next Run at once.
  void cancel();
  // Runs a one-cell plan for the cell's request; its new image replaces the old one.
  bool rerunCell(int cell);
  void setFavourite(int cell, bool favourite);
  void toggleFavourite(int cell);
  // Makes `cell` the current one; `extend` adds it to (or removes it from) the selection
  // instead of replacing it. Two selected cells become A and B.
  void selectCell(int cell, bool extend = false);
  // Moves the current cell: dx steps through the cells in reading order (wrapping to the
  // next / previous row), dy moves up or down a row.
  void moveCurrent(int dx, int dy);
  void setComparisonA(int cell);
  void setComparisonB(int cell);
  // Shows B instead of A, or A instead of B (Space).
  void flipComparison();
  // Opens the enlarged view of a cell (non-modal; deletes itself when closed).
  CellDetailDialog* enlargeCell(int cell);
  // The cell's context menu (Enlarge, Favourite, Set as A/B, Re-run this cell, Copy
  // settings); the caller owns it.
  QMenu* createCellMenu(int cell, QWidget* parent);
  // Opens the export dialog for this board (non-modal; deletes itself when closed).
  ExportDialog* openExportDialog();

  // ---- State (the model's, ui/board/board_model.h) ---------------------------------
  const BoardModel& model() const { return model_; }
  bool isRunning() const { return sweep_job_ != 0 || !rerun_jobs_.empty(); }
  bool hasPlan() const { return model_.hasPlan(); }
  const SweepPlan& plan() const { return model_.plan(); }  // what the grid shows
  const std::vector<SweepAxis>& axes() const { return model_.axes(); }
  int cellCount() const { return model_.cellCount(); }
  const BoardCell& cell(int index) const { return model_.cell(index); }
  int columnCount() const { return model_.columnCount(); }
  int rowCount() const { return model_.rowCount(); }
  int cellAt(int column, int row) const { return model_.cellAt(column, row); }  // -1 outside the grid
  QPoint gridPosition(int cell) const;                                          // (column, row)
  QStringList columnLabels() const;                                             // "method: cfg", ...
  QStringList rowLabels() const;                                                // "seed: 1", ...; empty with one axis
  int currentCell() const { return model_.currentCell(); }
  const std::vector<int>& selectedCells() const { return model_.selectedCells(); }
  std::vector<int> favouriteCells() const { return model_.favouriteCells(); }
  // Finished cells (with an image) that the choice takes, in cell order.
  std::vector<int> cellsFor(CellChoice choice) const { return model_.cellsFor(choice); }
  int comparisonA() const { return model_.comparisonA(); }
  int comparisonB() const { return model_.comparisonB(); }
  bool showingB() const { return model_.showingB(); }
  int shownComparisonCell() const { return model_.shownComparisonCell(); }
  QString errorText() const;
  QString statusText() const;
  // What the cells were generated with (captured at Run; restored by fromJson).
  const std::filesystem::path& sourceModelFolder() const { return model_.sourceModelFolder(); }
  const SubjectSpec& sourceSubject() const { return model_.sourceSubject(); }
  const std::string& sourceDevice() const { return model_.sourceDevice(); }
  // Every setting of a cell as "name: value" lines (the enlarged view, Copy settings).
  QString cellSettingsText(int cell) const;

  BoardCellView* cellView(int cell) const;
  QWidget* gridView() const { return grid_widget_; }

  // ---- Projects -------------------------------------------------------------------
  // The model's JSON form (BoardModel::toJson).
  json::Value toJson() const { return model_.toJson(); }
  // Restores a board saved by toJson (BoardModel::fromJson) and shows it. Cancels any run.
  // Throws steer::InputError naming the member when the JSON is not a board; the board is
  // unchanged then (and keeps running).
  void fromJson(const json::Value& state);

 Q_SIGNALS:
  void runStarted();
  void runEnded();
  void cellFinished(int cell);
  void favouritesChanged();
  void selectionChanged();
  // Anything a project saves changed (for "unsaved changes").
  void changed();

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void buildUi();
  void connectEngine();
  // What the axis fields show (prompts trimmed, empty lines dropped): the model takes it at
  // every edit.
  BoardAxisTexts textsInFields() const;
  void rebuildGrid();
  void refreshCell(int cell);
  void refreshSelection();
  void refreshComparison();
  void refreshStatus();
  void refreshPlanSummary();
  void refreshBaseSummary();
  void showError(const QString& message);
  int cellForJob(quint64 job, int cell) const;
  void onJobStep(quint64 job, int cell, const StepEvent& event);
  void onJobImage(quint64 job, int cell, const GenerationResult& result);
  void onJobEnded(quint64 job, const QString& failure);
  void forgetJobs();             // cancels every job of this board; their late events are ignored
  void stopJobs();               // forgetJobs, and settles the cells at once
  void saveCellImage(int cell);  // into the output folder; a failure is shown

  EngineBridge& engine_;
  // Null once the bridge is gone: a main window may destroy its bridge before the boards
  // it holds as child widgets.
  QPointer<EngineBridge> engine_alive_;
  BoardModel model_;
  std::vector<BoardCellView*> views_;  // one per model cell

  quint64 sweep_job_ = 0;
  std::map<quint64, int> rerun_jobs_;  // job -> cell
  QString error_;
  bool plan_error_shown_ = false;  // error_ is a "Cannot run" about the fields
  QString run_note_;               // "Cancelled", "Failed: ..." after a run

  QLineEdit* methods_edit_ = nullptr;
  QLineEdit* lambdas_edit_ = nullptr;
  QLineEdit* omegas_edit_ = nullptr;
  QLineEdit* seeds_edit_ = nullptr;
  QPlainTextEdit* prompts_edit_ = nullptr;
  QLabel* base_summary_ = nullptr;
  QLabel* size_note_ = nullptr;  // the base size is far from native; hidden otherwise
  int native_side_ = 0;
  QLabel* plan_summary_ = nullptr;
  QPushButton* run_button_ = nullptr;
  QPushButton* cancel_button_ = nullptr;
  QPushButton* export_button_ = nullptr;
  QSlider* cell_size_ = nullptr;
  QLabel* status_label_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* error_label_ = nullptr;
  QWidget* grid_widget_ = nullptr;
  QGridLayout* grid_layout_ = nullptr;
  QLabel* ab_image_ = nullptr;
  QLabel* ab_caption_ = nullptr;
  QPushButton* flip_button_ = nullptr;
};

}  // namespace steer::ui
