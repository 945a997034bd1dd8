// Package clock is Wuye's one reading of the wall clock, with a seam for
// testing: WUYE_CLOCK makes the process's clock start at a chosen instant
// (and then run at the normal rate), so the whole test suite can be run as
// if it were a month start, a Monday, a Sunday or a holiday.
//
// Why a seam and not libfaketime: Go reads the time through the vDSO, which
// LD_PRELOAD cannot intercept, so only code that asks this package sees the
// shifted time. Wuye's own code (hooks, demo, the tests' fixtures) does;
// PocketBase's autodate fields (created/updated) are stamped from it by the
// hooks (see hooks/base_clock.go). PocketBase's tokens, logs and rate limits stay
// on the real clock.
//
// WUYE_CLOCK is a test facility: `wuye serve` refuses to start with it set
// (see main.go), `wuye demo` logs a loud warning.
package clock

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// Env is the environment variable that shifts the clock. Its value is an
// RFC 3339 instant ("2027-03-01T09:30:00+08:00"): the clock reads that
// instant when the process starts and runs on from there.
const Env = "WUYE_CLOCK"

var (
	offset  time.Duration
	instant string
	bad     error
)

func init() {
	offset, instant, bad = parse(os.Getenv(Env), time.Now())
}

// parse works out the offset that makes the clock read value at start.
func parse(value string, start time.Time) (time.Duration, string, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, "", nil
	}
	t, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return 0, "", fmt.Errorf("%s=%q is not an RFC 3339 instant such as 2027-03-01T09:30:00+08:00: %w", Env, value, err)
	}
	return t.Sub(start), value, nil
}

// Now is the current time as Wuye sees it: the wall clock, shifted when
// WUYE_CLOCK is set. Wuye's code reads the time through here, never
// time.Now, wherever the time is a fact of the domain (deadlines, days,
// stamps); durations and timeouts keep using time.Now/time.Since.
func Now() time.Time {
	if offset == 0 {
		return time.Now()
	}
	return time.Now().Add(offset)
}

// Shifted reports whether WUYE_CLOCK moved the clock.
func Shifted() bool { return offset != 0 }

// Offset is how far the clock is ahead of the wall clock (negative when
// behind).
func Offset() time.Duration { return offset }

// Err is the complaint about a WUYE_CLOCK that could not be read; a program
// should refuse to start with it rather than run on the real clock.
func Err() error { return bad }

// Describe is a one-line warning for the log when the clock is shifted, ""
// otherwise.
func Describe() string {
	if !Shifted() {
		return ""
	}
	return fmt.Sprintf("TEST CLOCK: %s=%s — Wuye's clock reads %s (%s from the wall clock); a test facility, never for real use",
		Env, instant, Now().Format(time.RFC3339), offset.Round(time.Second))
}
