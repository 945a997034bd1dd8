package demo_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"wuye/demo"
	"wuye/hooks"
	_ "wuye/migrations"
)

// A step of the demo that fails is the error the load reports, not a later
// step's complaint about what the failed one left out: a vehicle refused
// in the households' step once surfaced as "no owned flat in building 2".
func TestDemoLoadReportsTheStepThatFailed(t *testing.T) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ClearBootstrap()
	if err := app.RunAllMigrations(); err != nil {
		t.Fatal(err)
	}
	hooks.Register(app)
	app.OnRecordCreate("vehicles").BindFunc(func(e *core.RecordEvent) error {
		return errors.New("vehicle refused")
	})
	_, err := demo.Load(app)
	if err == nil || !strings.Contains(err.Error(), "vehicle refused") {
		t.Fatalf("demo load: %v; want the refused vehicle's error", err)
	}
}
