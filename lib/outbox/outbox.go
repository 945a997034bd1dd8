// Package outbox holds the pure rules of the notification outbox (the
// `deliveries` collection, docs/DESIGN.md § Notifications and deliveries):
// how long a failed delivery waits before its next attempt, when it is given
// up, and when a message on an outbound channel may go out given the quiet
// hours. It knows nothing of PocketBase; hooks/base_outbox.go applies it.
package outbox

import "time"

// MaxAttempts is how many times a delivery is tried before it is marked
// failed and left for the supervisor to retry by hand.
const MaxAttempts = 6

// FirstWait is the wait after the first failed attempt; each further
// failure doubles it, up to MaxWait.
const (
	FirstWait = time.Minute
	MaxWait   = time.Hour
)

// Backoff is the wait after the attempts-th failed attempt (1, 2, …):
// 1, 2, 4, 8, 16, 32 minutes …, never more than an hour.
func Backoff(attempts int) time.Duration {
	if attempts < 1 {
		attempts = 1
	}
	d := FirstWait
	for i := 1; i < attempts; i++ {
		d *= 2
		if d >= MaxWait {
			return MaxWait
		}
	}
	return d
}

// GiveUp reports whether a delivery that has failed attempts times is
// failed for good.
func GiveUp(attempts int) bool { return attempts >= MaxAttempts }

// Quiet hours: no text message, mail or WeChat message between 22:00 and
// 08:00 office time; what falls in them waits until 08:00.
const (
	QuietFrom = 22 // hour the quiet hours begin
	QuietTo   = 8  // hour they end
)

// NextSend is when a message due at t may go out on an outbound channel in
// office time loc: t itself outside the quiet hours or when urgent (an
// urgent repair, an incident), else 08:00 of the morning after.
func NextSend(t time.Time, urgent bool, loc *time.Location) time.Time {
	if urgent {
		return t
	}
	local := t.In(loc)
	h := local.Hour()
	switch {
	case h >= QuietFrom:
		next := local.AddDate(0, 0, 1)
		return time.Date(next.Year(), next.Month(), next.Day(), QuietTo, 0, 0, 0, loc)
	case h < QuietTo:
		return time.Date(local.Year(), local.Month(), local.Day(), QuietTo, 0, 0, 0, loc)
	}
	return t
}

// InQuietHours reports whether t falls in the quiet hours of loc.
func InQuietHours(t time.Time, loc *time.Location) bool {
	h := t.In(loc).Hour()
	return h >= QuietFrom || h < QuietTo
}
