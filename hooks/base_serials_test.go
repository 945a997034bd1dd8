package hooks_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/serial"
)

// probeCollection stands in for a document collection (complaints and the
// like arrive with later capabilities): a serial and a required title.
func probeCollection(t testing.TB, app core.App) *core.Collection {
	t.Helper()
	c := core.NewBaseCollection("serial_probe")
	c.Fields.Add(&core.TextField{Name: "serial"}, &core.TextField{Name: "title", Required: true})
	if err := app.Save(c); err != nil {
		t.Fatal(err)
	}
	hooks.BindSerial(app, "serial_probe", "TT") // a prefix of its own: the demo's complaints hold TS numbers
	return c
}

func TestSerialsAreUniqueAndGapFreeUnderConcurrency(t *testing.T) {
	app := testapp.New(t)
	col := probeCollection(t, app)
	today := serial.Day(clock.Now())

	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				r := core.NewRecord(col)
				r.Set("title", fmt.Sprintf("w%d-%d", w, i))
				if i%5 == 4 {
					// A create that fails validation after its serial was
					// taken: the number must go back, leaving no gap.
					r.Set("title", "")
					if err := app.Save(r); err == nil {
						errs <- fmt.Errorf("an invalid record was saved")
					}
					continue
				}
				r.Set("serial", "TT-19990101-9999") // a client cannot choose its serial
				if err := app.Save(r); err != nil {
					errs <- err
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	records, err := app.FindAllRecords("serial_probe")
	if err != nil {
		t.Fatal(err)
	}
	want := workers * each * 4 / 5
	if len(records) != want {
		t.Fatalf("%d records, want %d", len(records), want)
	}
	var seqs []int
	for _, r := range records {
		s, err := serial.Parse(r.GetString("serial"))
		if err != nil || s.Prefix != "TT" || s.Day != today {
			t.Fatalf("bad serial %q: %v", r.GetString("serial"), err)
		}
		seqs = append(seqs, s.Seq)
	}
	slices.Sort(seqs)
	for i, s := range seqs {
		if s != i+1 {
			t.Fatalf("sequence has a gap or a duplicate at %d: %v", i, seqs)
		}
	}
}

func TestSerialIsReadOnlyAndPerPrefixPerDay(t *testing.T) {
	app := testapp.New(t)
	col := probeCollection(t, app)
	r := core.NewRecord(col)
	r.Set("title", "first")
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	first := r.GetString("serial")
	r.Set("serial", "TT-20260101-0001")
	if err := app.Save(r); err == nil {
		t.Fatal("a serial was changed")
	}

	// Another prefix and another day each have their own sequence.
	day := time.Date(2030, 6, 30, 23, 59, 0, 0, time.FixedZone("CST", 8*3600)) // a day no fixture uses
	for _, c := range []struct {
		prefix string
		at     time.Time
		want   string
	}{
		{"PG", day, "PG-20300630-0001"},
		{"PG", day, "PG-20300630-0002"},
		{"PG", day.Add(2 * time.Minute), "PG-20300701-0001"}, // past midnight in Shanghai
		{"ZD", day, "ZD-20300630-0001"},
	} {
		var got string
		err := app.RunInTransaction(func(tx core.App) error {
			var err error
			got, err = hooks.NextSerial(tx, c.prefix, c.at)
			return err
		})
		if err != nil || got != c.want {
			t.Fatalf("NextSerial(%s, %v) = %q, %v; want %q", c.prefix, c.at, got, err, c.want)
		}
	}
	if first == "" {
		t.Fatal("no serial on create")
	}
}
