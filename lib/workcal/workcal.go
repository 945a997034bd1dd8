// Package workcal is a mainland-China working-day calendar: Monday to Friday,
// except for the statutory days off and the 调休 make-up working days that the
// State Council publishes every year.
//
// All date logic happens in Asia/Shanghai whatever the location of the input
// time, and every returned time is in Asia/Shanghai. A date is a working day
// if it has an explicit Workday entry, or if it is Monday–Friday without a
// Holiday entry. A year without any entry (for example a year whose schedule
// has not been published yet) therefore falls back to plain Monday–Friday;
// HasSchedule tells the caller when that is happening.
//
// A Calendar is immutable once New returns it and is safe for concurrent use.
package workcal

import (
	"fmt"
	"slices"
	"time"

	// Embedded zone data, so that Asia/Shanghai loads even on hosts (and
	// minimal containers) without a system zoneinfo database.
	_ "time/tzdata"
)

// Shanghai is Asia/Shanghai, the zone all calendar arithmetic happens in.
// Should the zone fail to load anyway it is the fixed UTC+8 zone, which is
// identical for every date since 1991 (China has not observed DST since).
var Shanghai = loadShanghai()

func loadShanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// Kind says how a Day departs from the Monday–Friday rule.
type Kind string

const (
	// Holiday is a statutory day off. It matters on a weekday; on a weekend
	// day it changes nothing but still gives the day a name (the builtin data
	// lists every day of a break, weekends included).
	Holiday Kind = "holiday"
	// Workday is a 调休 make-up working day: a weekend day that is worked. On a
	// weekday it is allowed and simply confirms the day is worked, which is
	// what lets an override turn a builtin holiday back into a working day.
	Workday Kind = "workday"
)

// Day is one exception to the Monday–Friday rule.
type Day struct {
	Date string // civil date in Asia/Shanghai, "2006-01-02"
	Kind Kind
	Name string // e.g. 国庆节
}

// dayNum is a civil date as the number of days since 1970-01-01. It is the
// map key and the loop variable of all the arithmetic: compact, cheap to step
// and free of any string formatting or time zone work.
type dayNum int64

// entry is what the calendar knows about an exceptional date.
type entry struct {
	working bool
	name    string
}

// Calendar answers working-day questions. Build it with New; it is immutable
// afterwards and safe for concurrent use.
type Calendar struct {
	days  map[dayNum]entry
	years map[int]bool

	// sorted and cum support O(log n) counting: sorted holds the entry dates
	// in ascending order and cum[i] is the sum, over sorted[:i], of how much
	// each entry changes the plain Monday–Friday count (+1 for a worked
	// weekend day, -1 for a weekday off, 0 otherwise).
	sorted []dayNum
	cum    []int

	// first and last bound the entries; outside [first, last] every day
	// follows plain Monday–Friday, which lets AddWorkingDays skip whole weeks.
	first, last dayNum

	// maxRun bounds a run of consecutive non-working days: a day without an
	// entry is off only on a weekend, so at most two such days separate
	// entries and a run is at most 3*len(entries)+2 days long. Exceeding it
	// means the calendar is corrupt, and the loops panic rather than hang.
	maxRun int
}

// New builds a calendar from base days plus overrides, e.g.
// New(Builtin(), overrides). For the same date, later entries win, both
// within a list and across lists. A year counts as scheduled (HasSchedule)
// when any Day, in any list, falls in it.
//
// New returns an error naming the offending entry when a date is not a valid
// "2006-01-02" date or a kind is neither Holiday nor Workday.
func New(days ...[]Day) (*Calendar, error) {
	c := &Calendar{
		days:  make(map[dayNum]entry),
		years: make(map[int]bool),
	}
	for i, list := range days {
		for j, d := range list {
			t, err := time.Parse(time.DateOnly, d.Date)
			if err != nil {
				return nil, fmt.Errorf("workcal: list %d entry %d (%q %s): bad date: %w", i, j, d.Date, d.Name, err)
			}
			var working bool
			switch d.Kind {
			case Holiday:
				working = false
			case Workday:
				working = true
			default:
				return nil, fmt.Errorf("workcal: list %d entry %d (%q %s): unknown kind %q, want %q or %q", i, j, d.Date, d.Name, d.Kind, Holiday, Workday)
			}
			c.days[civil(t.Date())] = entry{working: working, name: d.Name}
			c.years[t.Year()] = true
		}
	}

	c.sorted = make([]dayNum, 0, len(c.days))
	for d := range c.days {
		c.sorted = append(c.sorted, d)
	}
	slices.Sort(c.sorted)
	c.cum = make([]int, len(c.sorted)+1)
	for i, d := range c.sorted {
		delta := 0
		switch e := c.days[d]; {
		case e.working && !weekday(d):
			delta = 1
		case !e.working && weekday(d):
			delta = -1
		}
		c.cum[i+1] = c.cum[i] + delta
	}
	if len(c.sorted) > 0 {
		c.first, c.last = c.sorted[0], c.sorted[len(c.sorted)-1]
	} else {
		// No entries: every day is "outside" the entries in both directions.
		c.first, c.last = dayNum(1<<62), dayNum(-1<<62)
	}
	c.maxRun = 3*len(c.sorted) + 2
	return c, nil
}

// HasSchedule reports whether any Day falls in year. When it is false the
// year falls back to plain Monday–Friday, which is probably wrong for a year
// whose schedule simply has not been entered yet.
func (c *Calendar) HasSchedule(year int) bool {
	return c.years[year]
}

// Unscheduled names the year whose missing schedule matters at instant t:
// t's own year if it has no schedule (its deadlines are falling back to
// Monday–Friday already), else the next year if it has none and begins
// within lead days of t's civil date in Asia/Shanghai (with lead 60, from
// 2 November on). ok is false when neither is the case. The office uses it
// to ask for the next year's schedule before it is needed, since the State
// Council publishes it only weeks ahead, usually in November.
func (c *Calendar) Unscheduled(t time.Time, lead int) (year int, ok bool) {
	d := t.In(Shanghai)
	year = d.Year()
	if !c.years[year] {
		return year, true
	}
	y, m, dd := d.Date()
	ahead := time.Date(y, m, dd+lead, 12, 0, 0, 0, Shanghai)
	if ahead.Year() > year && !c.years[year+1] {
		return year + 1, true
	}
	return 0, false
}

// IsWorkingDay reports whether t's civil date in Asia/Shanghai is a working
// day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	return c.working(dayOf(t))
}

// DayInfo describes t's civil date in Asia/Shanghai: whether it is a working
// day, the name of the holiday or make-up day if the date has an entry (""
// for an ordinary day), and whether the date's year has a schedule at all.
func (c *Calendar) DayInfo(t time.Time) (working bool, name string, scheduled bool) {
	d := dayOf(t)
	year, _, _ := t.In(Shanghai).Date()
	if e, ok := c.days[d]; ok {
		return e.working, e.name, c.years[year]
	}
	return weekday(d), "", c.years[year]
}

// AddWorkingDays returns the same Asia/Shanghai wall-clock time as t on the
// n-th working day after t's civil date. t's own date never counts, even when
// it is a working day: Tue 2025-09-30 10:00 plus 1 is Thu 2025-10-09 10:00,
// the first working day after the National Day break. A negative n counts
// backwards in the same way (the |n|-th working day before t's date) and
// n == 0 returns t itself, in Asia/Shanghai.
//
// The wall clock is kept, not the elapsed duration; on the few historical
// dates where Asia/Shanghai had DST (1986–1991) a wall-clock time that does
// not exist is normalised by time.Date. The loop walks day by day only
// while it is among the entries and skips whole weeks outside them, so a
// large n costs no more than a small one; results that would leave
// time.Time's range are unspecified.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	t = t.In(Shanghai)
	if n == 0 {
		return t
	}
	return at(c.addDays(dayOf(t), n), t)
}

// addDays returns the n-th working day after d (before d when n < 0).
func (c *Calendar) addDays(d dayNum, n int) dayNum {
	step := dayNum(1)
	if n < 0 {
		step, n = -1, -n
	}
	run := 0
	for n > 0 {
		// Past the last entry (or before the first, going back) every 7
		// consecutive days hold exactly 5 working days, so skip whole weeks
		// and leave 1..5 working days to the loop. Only done between runs so
		// that the run guard keeps meaning "consecutive days off".
		if run == 0 && n > 5 && ((step > 0 && d >= c.last) || (step < 0 && d <= c.first)) {
			k := (n - 1) / 5
			d += step * dayNum(7*k)
			n -= 5 * k
		}
		d += step
		if c.working(d) {
			n--
			run = 0
			continue
		}
		if run++; run > c.maxRun {
			y, m, dd := ymd(d)
			panic(fmt.Sprintf("workcal: more than %d consecutive days off around %04d-%02d-%02d; calendar is corrupt", c.maxRun, y, m, dd))
		}
	}
	return d
}

// AddWorkingHours returns the earliest instant at which hours hours of clock
// time have elapsed on working days, counting from t. Time on non-working
// days does not count, so Fri 17:00 plus 24 hours over an ordinary weekend is
// Mon 17:00 (7 hours on Friday, 17 on Monday). If t falls on a non-working
// day, counting starts at 00:00 of the next working day. A count that ends
// exactly at the end of a working day returns 00:00 of the following day,
// whatever that day is (Fri 00:00 plus 24 hours is Sat 00:00).
//
// hours <= 0 returns t unchanged (in Asia/Shanghai): a negative amount of work
// has no sensible meaning and callers should not get a panic from it. Hours
// are Asia/Shanghai wall-clock hours, a working day being 24 of them. The
// work is done day by day at most, never hour by hour: the rest of the
// current day, then whole working days via AddWorkingDays' arithmetic, then
// the remainder.
func (c *Calendar) AddWorkingHours(t time.Time, hours int) time.Time {
	t = t.In(Shanghai)
	if hours <= 0 {
		return t
	}
	d := dayOf(t)
	var sinceMidnight time.Duration // wall-clock time already used on day d
	if c.working(d) {
		h, m, s := t.Clock()
		sinceMidnight = time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
			time.Duration(s)*time.Second + time.Duration(t.Nanosecond())
	} else {
		d = c.addDays(d, 1)
	}

	// The target lies sinceMidnight + hours after the start of working day d,
	// counted in working-day wall-clock time. Split hours into whole days and
	// a remainder first so that no hour count can overflow a Duration.
	const day = 24 * time.Hour
	whole := hours / 24
	rest := sinceMidnight + time.Duration(hours%24)*time.Hour // in [0, 48h)
	// Find the working day the target falls in (skip working days after d)
	// and the wall-clock offset into it, in (0, 24h]: an offset of exactly
	// 24h is that day's end, i.e. the next midnight.
	var skip int
	switch {
	case rest == 0: // only possible with whole >= 1, since hours > 0
		skip, rest = whole-1, day
	case rest <= day:
		skip = whole
	default:
		skip, rest = whole+1, rest-day
	}
	if skip > 0 {
		d = c.addDays(d, skip)
	}
	// Built from components rather than nanoseconds so that it also fits a
	// 32-bit int.
	y, mo, dd := ymd(d)
	h, m, s := rest/time.Hour, rest%time.Hour/time.Minute, rest%time.Minute/time.Second
	return time.Date(y, mo, dd, int(h), int(m), int(s), int(rest%time.Second), Shanghai)
}

// WorkingDaysBetween returns the number of working days d with
// from's date < d <= to's date (civil dates in Asia/Shanghai), and 0 when
// to's date is not after from's. So a Friday to the following Monday over an
// ordinary weekend is 1, and t to AddWorkingDays(t, n) is n for n > 0.
// It runs in O(log entries) whatever the distance.
func (c *Calendar) WorkingDaysBetween(from, to time.Time) int {
	a, b := dayOf(from), dayOf(to)
	if b <= a {
		return 0
	}
	return weekdaysThrough(b) - weekdaysThrough(a) + c.deltaThrough(b) - c.deltaThrough(a)
}

// deltaThrough is the entries' total correction to the Monday–Friday count
// over all dates <= d.
func (c *Calendar) deltaThrough(d dayNum) int {
	i, found := slices.BinarySearch(c.sorted, d)
	if found {
		i++
	}
	return c.cum[i]
}

// working is the core rule: an entry decides, otherwise Monday–Friday.
func (c *Calendar) working(d dayNum) bool {
	if e, ok := c.days[d]; ok {
		return e.working
	}
	return weekday(d)
}

// weekday reports whether d is Monday–Friday. 1970-01-01 was a Thursday.
func weekday(d dayNum) bool {
	wd := time.Weekday(floorMod(int64(d)+int64(time.Thursday), 7))
	return wd != time.Saturday && wd != time.Sunday
}

// weekdaysThrough counts Monday–Friday dates up to and including d, relative
// to an arbitrary origin (only differences are meaningful).
func weekdaysThrough(d dayNum) int {
	// 1970-01-05 (day 4) was a Monday; r is 0 for Monday … 6 for Sunday.
	x := int64(d) - 4
	weeks, r := floorDiv(x, 7), floorMod(x, 7)
	return int(5*weeks + min(r+1, 5))
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 {
	return a - floorDiv(a, b)*b
}

// civil converts a calendar date to a dayNum. Midnight UTC is an exact
// multiple of 86400 Unix seconds, so the division is exact for any sign.
func civil(y int, m time.Month, d int) dayNum {
	return dayNum(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// dayOf is t's civil date in Asia/Shanghai.
func dayOf(t time.Time) dayNum {
	return civil(t.In(Shanghai).Date())
}

// ymd is the calendar date of d.
func ymd(d dayNum) (int, time.Month, int) {
	return time.Unix(int64(d)*86400, 0).UTC().Date()
}

// at is date d at the wall-clock time of clock, which must already be in
// Asia/Shanghai.
func at(d dayNum, clock time.Time) time.Time {
	y, m, dd := ymd(d)
	h, mi, s := clock.Clock()
	return time.Date(y, m, dd, h, mi, s, clock.Nanosecond(), Shanghai)
}
