package hooks

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// TestCheckpointLeavesLitestreamTheLog: under Litestream (deploy/README.md)
// the nightly checkpoint is PASSIVE — a TRUNCATE would wait out the busy
// timeout behind Litestream's read transaction and stall every write; a
// database Litestream does not replicate is truncated as before.
func TestCheckpointLeavesLitestreamTheLog(t *testing.T) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ClearBootstrap()
	if got := checkpointPragma(app.NonconcurrentDB()); got != "PRAGMA wal_checkpoint(TRUNCATE)" {
		t.Fatalf("without Litestream: %s", got)
	}
	// The table Litestream creates in a database it replicates.
	if _, err := app.NonconcurrentDB().NewQuery("CREATE TABLE _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER)").Execute(); err != nil {
		t.Fatal(err)
	}
	if got := checkpointPragma(app.NonconcurrentDB()); got != "PRAGMA wal_checkpoint(PASSIVE)" {
		t.Fatalf("under Litestream: %s", got)
	}
	if got := checkpointPragma(app.AuxNonconcurrentDB()); got != "PRAGMA wal_checkpoint(TRUNCATE)" {
		t.Fatalf("the auxiliary database is not replicated here: %s", got)
	}
	OptimizeDB(app) // runs with either mode
}
