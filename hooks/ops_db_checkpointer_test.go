package hooks_test

import (
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// The write connection keeps wal_autocheckpoint = 0 while the server
// serves: PocketBase closes an idle connection (after 3 minutes), and the
// one opened after it had SQLite's automatic checkpoint in its commits.
func TestWriteConnectionKeepsItsCheckpointSetting(t *testing.T) {
	app := testapp.New(t)
	db := app.NonconcurrentDB().(*dbx.DB)
	db.DB().SetConnMaxIdleTime(20 * time.Millisecond) // as PocketBase's 3 minutes, shortened
	hooks.StartWALCheckpointer(app)
	defer app.OnTerminate().Trigger(&core.TerminateEvent{App: app})
	time.Sleep(1500 * time.Millisecond) // database/sql closes idle connections once a second at most
	var pages int
	if err := db.NewQuery("PRAGMA wal_autocheckpoint").Row(&pages); err != nil {
		t.Fatal(err)
	}
	if pages != 0 {
		t.Fatalf("the write connection checkpoints every %d pages after an idle spell; want 0 (the server's checkpointer does it)", pages)
	}
}
