package hooks_test

import (
	"testing"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// TestSQLitePagesComeFromTheSharedBuffer: the page caches of every
// connection take their pages from one buffer set up before the first
// connection (hooks.DBConnect, configurePageCache), instead of a malloc of
// their own per page that the allocator gave back to the system whenever a
// write elsewhere emptied a reader's cache (BENCHMARKS.md § Realtime: munmap
// took 30% of the server's CPU).
func TestSQLitePagesComeFromTheSharedBuffer(t *testing.T) {
	app := testapp.New(t)
	var n int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM complaints").Row(&n); err != nil {
		t.Fatal(err)
	}
	used, why := hooks.PageBufferSlotsUsed()
	if why != "" {
		t.Fatalf("the shared page buffer is not in use: %s", why)
	}
	if used == 0 {
		t.Fatal("no page was taken from the shared buffer")
	}
	t.Logf("%d slots in use at most", used)
}
