package demo_test

import (
	"os"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tests"

	"wuye/demo"
	"wuye/hooks"
)

// TestDemoLoadTime logs how long the demo takes to load into a fresh
// database (WUYE_DEMO_TIMING=1): the history it seeds keeps it fast.
func TestDemoLoadTime(t *testing.T) {
	if os.Getenv("WUYE_DEMO_TIMING") == "" {
		t.Skip("set WUYE_DEMO_TIMING=1 to time the demo load")
	}
	empty := t.TempDir()
	app, err := tests.NewTestApp(empty)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	hooks.Register(app)
	start := time.Now()
	if _, err := demo.Load(app); err != nil {
		t.Fatal(err)
	}
	t.Logf("demo loaded in %v", time.Since(start))
}
