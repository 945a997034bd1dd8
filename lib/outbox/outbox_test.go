package outbox

import (
	"testing"
	"time"
)

var shanghai = time.FixedZone("CST", 8*3600)

// A failed delivery waits 1, 2, 4 … minutes, capped at an hour, and is given
// up after MaxAttempts tries (docs/DESIGN.md § Notifications and deliveries).
func TestBackoff(t *testing.T) {
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour}
	for i, w := range want {
		if got := Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if Backoff(0) != time.Minute {
		t.Error("Backoff(0) should be the first wait")
	}
	if GiveUp(MaxAttempts-1) || !GiveUp(MaxAttempts) {
		t.Error("GiveUp should turn at MaxAttempts")
	}
}

// Quiet hours 22:00–08:00 office time: a message waits until 08:00, an
// urgent one (an urgent repair, an incident) goes at once.
func TestNextSend(t *testing.T) {
	at := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, shanghai) }
	for _, c := range []struct {
		t      time.Time
		urgent bool
		want   time.Time
	}{
		{at(6, 9, 30), false, at(6, 9, 30)},
		{at(6, 21, 59), false, at(6, 21, 59)},
		{at(6, 22, 0), false, at(7, 8, 0)},
		{at(6, 23, 45), false, at(7, 8, 0)},
		{at(7, 0, 10), false, at(7, 8, 0)},
		{at(7, 7, 59), false, at(7, 8, 0)},
		{at(7, 8, 0), false, at(7, 8, 0)},
		{at(6, 23, 45), true, at(6, 23, 45)},
		{time.Date(2026, 12, 31, 23, 0, 0, 0, shanghai), false, time.Date(2027, 1, 1, 8, 0, 0, 0, shanghai)},
		// the same instant given in UTC is judged in office time
		{time.Date(2026, 12, 6, 15, 0, 0, 0, time.UTC), false, at(7, 8, 0)},
	} {
		if got := NextSend(c.t, c.urgent, shanghai); !got.Equal(c.want) {
			t.Errorf("NextSend(%v, %v) = %v, want %v", c.t, c.urgent, got, c.want)
		}
	}
	if !InQuietHours(at(6, 23, 0), shanghai) || InQuietHours(at(6, 12, 0), shanghai) {
		t.Error("InQuietHours")
	}
}
