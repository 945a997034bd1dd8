package workcal

import (
	"testing"
	"time"
)

var (
	fuzzFrom = time.Date(2020, 1, 1, 0, 0, 0, 0, Shanghai).Unix()
	fuzzTo   = time.Date(2036, 1, 1, 0, 0, 0, 0, Shanghai).Unix()
)

// fuzzTime maps arbitrary fuzz input onto an instant in 2020..2035, in one of
// a few locations so that the conversion to Asia/Shanghai is exercised too.
func fuzzTime(t *testing.T, sec int64, nsec uint32, zone uint8) time.Time {
	span := fuzzTo - fuzzFrom
	sec = fuzzFrom + ((sec%span)+span)%span
	v := time.Unix(sec, int64(nsec%1e9))
	switch zone % 3 {
	case 0:
		return v.UTC()
	case 1:
		return v.In(Shanghai)
	default:
		ny, err := time.LoadLocation("America/New_York")
		if err != nil {
			t.Fatal(err)
		}
		return v.In(ny)
	}
}

func seedTimes(f *testing.F) []time.Time {
	var out []time.Time
	for _, s := range []string{
		"2025-09-26 10:00", "2025-09-30 17:00", "2025-10-01 00:30", "2025-10-11 09:00",
		"2026-02-13 18:00", "2026-02-23 23:59", "2024-02-09 09:00", "2025-12-31 12:00",
		"2031-01-03 15:00", "2035-12-31 23:00",
	} {
		out = append(out, sh(f, s))
	}
	return out
}

func sameClock(a, b time.Time) bool {
	a, b = a.In(Shanghai), b.In(Shanghai)
	ah, am, as := a.Clock()
	bh, bm, bs := b.Clock()
	return ah == bh && am == bm && as == bs && a.Nanosecond() == b.Nanosecond()
}

func FuzzAddWorkingDays(f *testing.F) {
	for i, s := range seedTimes(f) {
		for _, n := range []int{1, -1, 2, -3, 7, 30, -250, 400} {
			f.Add(s.Unix(), uint32(0), uint8(i), n)
		}
	}
	c := builtinCal()
	f.Fuzz(func(t *testing.T, sec int64, nsec uint32, zone uint8, n int) {
		from := fuzzTime(t, sec, nsec, zone)
		n %= 401 // -400..400
		got := c.AddWorkingDays(from, n)
		if got.Location() != Shanghai {
			t.Fatalf("AddWorkingDays(%v, %d) = %v, not in Asia/Shanghai", from, n, got)
		}
		if n == 0 {
			if !got.Equal(from) {
				t.Fatalf("AddWorkingDays(%v, 0) = %v", from, got)
			}
			return
		}
		if !c.IsWorkingDay(got) {
			t.Fatalf("AddWorkingDays(%v, %d) = %v, not a working day", from, n, got)
		}
		if !sameClock(got, from) {
			t.Fatalf("AddWorkingDays(%v, %d) = %v, wall clock changed", from, n, got)
		}
		fromWorking := c.IsWorkingDay(from)
		back := c.AddWorkingDays(got, -n)
		if !c.IsWorkingDay(back) || !sameClock(back, from) {
			t.Fatalf("AddWorkingDays(%v, %d) = %v, not a working day at the same time", got, -n, back)
		}
		if n > 0 {
			if !got.After(from) {
				t.Fatalf("AddWorkingDays(%v, %d) = %v, not after", from, n, got)
			}
			if k := c.WorkingDaysBetween(from, got); k != n {
				t.Fatalf("WorkingDaysBetween(%v, AddWorkingDays(…, %d) = %v) = %d", from, n, got, k)
			}
			// Going back lands on the latest working day on or before
			// from's date: from itself if it is a working day.
			if back.After(from.In(Shanghai)) || c.WorkingDaysBetween(back, from) != 0 {
				t.Fatalf("AddWorkingDays(%v, %d) = %v, not the latest working day up to %v", got, -n, back, from)
			}
		} else {
			if !got.Before(from) {
				t.Fatalf("AddWorkingDays(%v, %d) = %v, not before", from, n, got)
			}
			// (got, from] holds the |n|-1 working days in between, plus
			// from's date if it is worked.
			want := -n - 1
			if fromWorking {
				want++
			}
			if k := c.WorkingDaysBetween(got, from); k != want {
				t.Fatalf("WorkingDaysBetween(AddWorkingDays(%v, %d) = %v, …) = %d, want %d", from, n, got, k, want)
			}
			// Going forward lands on the earliest working day on or after
			// from's date.
			if back.Before(from.In(Shanghai)) || c.WorkingDaysBetween(from, back) != map[bool]int{false: 1}[fromWorking] {
				t.Fatalf("AddWorkingDays(%v, %d) = %v, not the earliest working day from %v", got, -n, back, from)
			}
		}
		if fromWorking && !back.Equal(from) {
			t.Fatalf("round trip from working day %v by %d: %v → %v", from, n, got, back)
		}
		// Splitting n into two steps of the same sign changes nothing.
		half := n / 2
		if two := c.AddWorkingDays(c.AddWorkingDays(from, half), n-half); !two.Equal(got) {
			t.Fatalf("AddWorkingDays in steps %d+%d from %v = %v, want %v", half, n-half, from, two, got)
		}
	})
}

// workedBetween is a reference for AddWorkingHours: the time in [a, b] that
// falls on working days, summed day by day.
func workedBetween(c *Calendar, a, b time.Time) time.Duration {
	var total time.Duration
	a, b = a.In(Shanghai), b.In(Shanghai)
	y, m, d := a.Date()
	for start := time.Date(y, m, d, 0, 0, 0, 0, Shanghai); start.Before(b); {
		end := start.AddDate(0, 0, 1)
		if c.IsWorkingDay(start) {
			lo, hi := start, end
			if a.After(lo) {
				lo = a
			}
			if b.Before(hi) {
				hi = b
			}
			if hi.After(lo) {
				total += hi.Sub(lo)
			}
		}
		start = end
	}
	return total
}

func FuzzAddWorkingHours(f *testing.F) {
	for i, s := range seedTimes(f) {
		for _, h := range []int{0, 1, 7, 8, 24, 25, 48, 200, 2000} {
			f.Add(s.Unix(), uint32(0), uint8(i), h)
		}
	}
	c := builtinCal()
	f.Fuzz(func(t *testing.T, sec int64, nsec uint32, zone uint8, hours int) {
		from := fuzzTime(t, sec, nsec, zone)
		hours %= 5001 // -5000..5000, about 200 working days
		got := c.AddWorkingHours(from, hours)
		if got.Location() != Shanghai {
			t.Fatalf("AddWorkingHours(%v, %d) = %v, not in Asia/Shanghai", from, hours, got)
		}
		if hours <= 0 {
			if !got.Equal(from) {
				t.Fatalf("AddWorkingHours(%v, %d) = %v, want t unchanged", from, hours, got)
			}
			return
		}
		want := time.Duration(hours) * time.Hour
		if got.Sub(from) < want {
			t.Fatalf("AddWorkingHours(%v, %d) = %v, only %v later", from, hours, got, got.Sub(from))
		}
		if w := workedBetween(c, from, got); w != want {
			t.Fatalf("AddWorkingHours(%v, %d) = %v, but %v of working time in between", from, hours, got, w)
		}
		// Earliest such instant: the moment just before it is working time.
		if !c.IsWorkingDay(got.Add(-time.Nanosecond)) {
			t.Fatalf("AddWorkingHours(%v, %d) = %v, which follows a day off", from, hours, got)
		}
		// Monotone in hours.
		if prev := c.AddWorkingHours(from, hours-1); !prev.Before(got) {
			t.Fatalf("AddWorkingHours(%v, %d) = %v, not after the %d-hour result %v", from, hours, got, hours-1, prev)
		}
	})
}
