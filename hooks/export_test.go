package hooks

import "time"

// SetNow replaces the clock of serials, deadlines and flows for a test and
// returns the function that puts the real one back.
func SetNow(f func() time.Time) (restore func()) {
	prev := now
	now = f
	return func() { now = prev }
}
