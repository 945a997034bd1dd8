// Package sla is the deadline arithmetic of the service center's promises
// (docs/DESIGN.md, "Service levels"): an amount of clock hours, working days
// or minutes from an instant, optionally counted only inside the service
// center's opening hours. It is pure: the calendar comes in, nothing is read
// from the database or the clock.
//
// All arithmetic happens in Asia/Shanghai, like lib/workcal's, and every
// returned time is in Asia/Shanghai.
package sla

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"wuye/lib/workcal"
)

// Unit is how a policy's amount is counted.
type Unit string

const (
	// ClockHours are hours of the clock, nights, weekends and holidays
	// included ([002] 三 3.2: 24小时内给予初步回应).
	ClockHours Unit = "clock_hours"
	// WorkingDays are days of the working-day calendar: the deadline is the
	// same wall-clock time on the n-th working day after the start's date
	// ([004] 三 3.6: 2个工作日内反馈).
	WorkingDays Unit = "working_days"
	// Minutes are minutes of the clock ([003] 2.4.3: 15分钟内回复客户).
	Minutes Unit = "minutes"
)

// Units are the units a policy may use, in the order the director sees them.
var Units = []Unit{ClockHours, WorkingDays, Minutes}

// Days says on which days the service center is open.
type Days string

const (
	EveryDay        Days = "every_day"    // open every day of the year, weekends and holidays included
	WorkingDaysOnly Days = "working_days" // open on the calendar's working days (调休 included)
)

// Hours are the service center's opening hours: from Opens to Closes
// (minutes after midnight, Asia/Shanghai, Opens < Closes) on Days.
type Hours struct {
	Opens, Closes int
	Days          Days
}

// ParseClock reads a wall-clock time written "HH:MM" (00:00–23:59) as
// minutes after midnight.
func ParseClock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, fmt.Errorf("sla: %q is not a time of day HH:MM", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, fmt.Errorf("sla: %q is not a time of day HH:MM", s)
	}
	return hh*60 + mm, nil
}

// ParseHours reads opening hours as the records keep them: "08:00",
// "18:00", "every_day". Opening must come before closing on the same day.
func ParseHours(opens, closes, days string) (Hours, error) {
	o, err := ParseClock(opens)
	if err != nil {
		return Hours{}, err
	}
	c, err := ParseClock(closes)
	if err != nil {
		return Hours{}, err
	}
	if c <= o {
		return Hours{}, fmt.Errorf("sla: opening hours %s–%s close before they open", opens, closes)
	}
	d := Days(days)
	if d != EveryDay && d != WorkingDaysOnly {
		return Hours{}, fmt.Errorf("sla: %q is neither %q nor %q", days, EveryDay, WorkingDaysOnly)
	}
	return Hours{Opens: o, Closes: c, Days: d}, nil
}

// Policy is one promise: Amount of Unit, counted inside Hours when Hours is
// not nil (clock hours and minutes only; working days ignore it).
type Policy struct {
	Amount int
	Unit   Unit
	Hours  *Hours
}

// maxDays bounds the walk through the opening hours: far more than any
// sensible policy needs (a year of 24-hour days of minutes is 525,600).
const maxDays = 3 * 366

// Due is the deadline of policy p for something received at at. An amount
// of 0 or less is due at once (at, or the next opening inside Hours).
func Due(cal *workcal.Calendar, at time.Time, p Policy) time.Time {
	at = at.In(workcal.Shanghai)
	var span time.Duration
	switch p.Unit {
	case WorkingDays:
		if p.Amount <= 0 {
			return at
		}
		return cal.AddWorkingDays(at, p.Amount)
	case ClockHours:
		span = time.Duration(max(p.Amount, 0)) * time.Hour
	case Minutes:
		span = time.Duration(max(p.Amount, 0)) * time.Minute
	default:
		panic(fmt.Sprintf("sla: unknown unit %q", p.Unit))
	}
	if p.Hours == nil {
		return at.Add(span)
	}
	return AddOpenTime(cal, at, span, *p.Hours)
}

// AddOpenTime is the earliest instant by which span of the service center's
// open time has passed since at: time before opening, after closing and on
// closed days does not count. Saturday 22:26 plus 15 minutes, open every day
// 08:00–18:00, is Sunday 08:15; a span that ends exactly at closing time is
// due at closing time. A span of 0 is the next open instant (at itself
// during opening hours).
func AddOpenTime(cal *workcal.Calendar, at time.Time, span time.Duration, h Hours) time.Time {
	t := at.In(workcal.Shanghai)
	for i := 0; i < maxDays; i++ {
		y, m, d := t.Date()
		midnight := time.Date(y, m, d, 0, 0, 0, 0, workcal.Shanghai)
		if h.Days == EveryDay || cal.IsWorkingDay(midnight) {
			opens := midnight.Add(time.Duration(h.Opens) * time.Minute)
			closes := midnight.Add(time.Duration(h.Closes) * time.Minute)
			if t.Before(opens) {
				t = opens
			}
			if t.Before(closes) {
				left := closes.Sub(t)
				if span <= left {
					return t.Add(span)
				}
				span -= left
			}
		}
		t = time.Date(y, m, d+1, 0, 0, 0, 0, workcal.Shanghai)
	}
	// Never reached with a sound calendar; a promise must still have a date.
	return at.In(workcal.Shanghai).Add(span)
}

// Opening is the next instant at or after at when the service center is
// open (at itself during opening hours).
func Opening(cal *workcal.Calendar, at time.Time, h Hours) time.Time {
	return AddOpenTime(cal, at, 0, h)
}

// Verdict judges an arrival: "late" after due, "early" more than early
// before the appointment (an appointment of zero time has no early bound),
// else "on_time" ([004] 三 7.1).
func Verdict(arrived, appointment, due time.Time, early time.Duration) string {
	switch {
	case arrived.After(due):
		return "late"
	case !appointment.IsZero() && arrived.Before(appointment.Add(-early)):
		return "early"
	}
	return "on_time"
}

// Default is one of the service center's default promises, seeded for
// every community (docs/DESIGN.md, "Service levels"). Level is a complaint
// level and Urgency a work order's, "" for every one.
type Default struct {
	Subject, Level, Urgency, Target string
	Amount                          int
	Unit                            Unit
	Early                           int // arrival to an appointment: minutes early allowed
	Opens, Closes                   string
	Days                            Days
}

// DefaultOpens, DefaultCloses and DefaultDays are the opening hours a
// community starts with — office practice; the director sets their own.
const (
	DefaultOpens  = "08:00"
	DefaultCloses = "18:00"
	DefaultDays   = EveryDay
)

// Defaults are the promises of the manuals, as every community starts:
//
//   - complaints: a first response within 24 clock hours and a solution for a
//     complex matter (graded major, hot or collective) within 48 hours —
//     [002] 三 3.2; the result told to the complainant within 2 working days
//     — [004] 三 3.6;
//   - work orders: a reply within 15 minutes ([003] 2.4.3), inside the
//     opening hours for a minor repair (零修), around the clock for an
//     urgent one (急修); a minor repair's technician arrives no more than 5
//     minutes before the appointment and no more than 2 after it
//     ([004] 三 7.1); an urgent repair's within 30 minutes of the call —
//     office practice (the manuals set no figure, [004] 三 7.6 asks it to be
//     on time).
var Defaults = []Default{
	{Subject: "complaint", Target: "first_response", Amount: 24, Unit: ClockHours},
	{Subject: "complaint", Target: "reply", Amount: 2, Unit: WorkingDays},
	{Subject: "complaint", Level: "major", Target: "solution", Amount: 48, Unit: ClockHours},
	{Subject: "complaint", Level: "hot", Target: "solution", Amount: 48, Unit: ClockHours},
	{Subject: "complaint", Level: "collective", Target: "solution", Amount: 48, Unit: ClockHours},
	{Subject: "work_order", Urgency: "normal", Target: "reply", Amount: 15, Unit: Minutes,
		Opens: DefaultOpens, Closes: DefaultCloses, Days: DefaultDays},
	{Subject: "work_order", Urgency: "urgent", Target: "reply", Amount: 15, Unit: Minutes},
	{Subject: "work_order", Urgency: "normal", Target: "arrival", Amount: 2, Unit: Minutes, Early: 5},
	{Subject: "work_order", Urgency: "urgent", Target: "arrival", Amount: 30, Unit: Minutes},
}

// Policy is d as a Policy.
func (d Default) Policy() Policy {
	p := Policy{Amount: d.Amount, Unit: d.Unit}
	if d.Opens != "" {
		if h, err := ParseHours(d.Opens, d.Closes, string(d.Days)); err == nil {
			p.Hours = &h
		}
	}
	return p
}
