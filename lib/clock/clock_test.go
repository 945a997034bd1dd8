package clock

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	start := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		value string
		want  time.Duration
		bad   bool
	}{
		{"", 0, false},
		{"  ", 0, false},
		{"2026-12-05T18:00:00+08:00", 0, false},
		{"2027-03-01T09:30:00+08:00", time.Date(2027, 3, 1, 1, 30, 0, 0, time.UTC).Sub(start), false},
		{"2026-10-01T00:00:00Z", time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC).Sub(start), false},
		{"2027-03-01", 0, true},
		{"+3d", 0, true},
	} {
		got, _, err := parse(c.value, start)
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("parse(%q) = %v, %v; want %v, bad %v", c.value, got, err, c.want, c.bad)
		}
	}
}

// The shifted clock runs on at the wall clock's rate from the instant.
func TestNowRuns(t *testing.T) {
	prev := offset
	defer func() { offset = prev }()
	offset = 90 * 24 * time.Hour
	a := Now()
	if d := time.Until(a); d < 89*24*time.Hour {
		t.Fatalf("Now is %v ahead, want 90 days", d)
	}
	if !Shifted() || Describe() == "" {
		t.Fatal("a shifted clock must say so")
	}
	time.Sleep(2 * time.Millisecond)
	if !Now().After(a) {
		t.Fatal("the shifted clock stood still")
	}
}
