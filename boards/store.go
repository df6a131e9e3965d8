package boards

import "context"

// Store keeps boards and every saved version of them.
type Store interface {
	// FindBoardByID returns a live board; a trashed or unknown one is NotFound.
	FindBoardByID(ctx context.Context, id string) (*Board, error)
	// FindBoards lists live boards, or trashed ones, most recently changed first.
	FindBoards(ctx context.Context, f BoardFilter) ([]Summary, error)
	// CreateBoard stores valid content as revision 1 of a new board.
	CreateBoard(ctx context.Context, c Content) (*Board, error)
	// UpdateBoard saves valid content as the next revision, if the board is
	// still at u.BaseRevision; otherwise it returns a Conflict carrying the
	// current revision and changes nothing.
	UpdateBoard(ctx context.Context, id string, u BoardUpdate) (*Board, error)
	// DeleteBoard moves a board to the trash.
	DeleteBoard(ctx context.Context, id string) error
	// RestoreBoard takes a board out of the trash.
	RestoreBoard(ctx context.Context, id string) (*Board, error)
	// PurgeBoard deletes a trashed board and its history for good.
	PurgeBoard(ctx context.Context, id string) error
	// FindVersions lists a board's saved revisions, newest first.
	FindVersions(ctx context.Context, id string, f VersionFilter) ([]Version, error)
	// FindVersion returns a board as it was saved at revision rev.
	FindVersion(ctx context.Context, id string, rev int64) (*Board, error)
}

// BoardFilter selects boards to list.
type BoardFilter struct {
	Trashed bool // list the trash instead of the live boards
}

// BoardUpdate is a save: the new content and the revision it was based on.
type BoardUpdate struct {
	BaseRevision int64
	Content      Content
}

// VersionFilter pages through a board's history.
type VersionFilter struct {
	Before int64 // only revisions below this one; 0 for the newest
	Limit  int   // at most this many; 0 for DefaultVersionPage
}

// Pages of history.
const (
	DefaultVersionPage = 100
	MaxVersionPage     = 1000
)
