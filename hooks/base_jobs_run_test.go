package hooks

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// TestRunJobRunsEveryStep: the steps of a scheduled job run in order at one
// instant, and a step that fails does not keep the next from running (the
// arrears job's late fees still accrue when issuing reminders failed).
func TestRunJobRunsEveryStep(t *testing.T) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ClearBootstrap()

	at := time.Date(2026, 3, 1, 7, 30, 0, 0, time.UTC)
	var ran []string
	var instants []time.Time
	step := func(name string, err error) jobStep {
		return jobStep{name, func(_ core.App, t time.Time) (int, error) {
			ran = append(ran, name)
			instants = append(instants, t)
			return 1, err
		}}
	}
	runJob(app, "test", at, []jobStep{step("first", errors.New("refused")), step("second", nil), step("third", nil)})
	if !slices.Equal(ran, []string{"first", "second", "third"}) {
		t.Fatalf("steps run: %v, want all three in order", ran)
	}
	for _, got := range instants {
		if !got.Equal(at) {
			t.Fatalf("a step ran at %v, want the job's instant %v", got, at)
		}
	}
	// daily hands a step the office date of the job's instant: 07:30 UTC
	// on 1 March is 15:30 in Shanghai, the same day; 23:00 UTC is the next.
	var days []string
	d := daily(func(_ core.App, day string) (int, error) { days = append(days, day); return 0, nil })
	d(app, at)
	d(app, time.Date(2026, 2, 28, 23, 0, 0, 0, time.UTC))
	if !slices.Equal(days, []string{"2026-03-01", "2026-03-01"}) {
		t.Fatalf("office dates: %v, want 2026-03-01 twice", days)
	}
}
