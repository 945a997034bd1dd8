package workcal

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// Every expected value below was checked against lunar-go v1.4.7's data and
// against the published notices (国务院办公厅关于2024/2025/2026年部分节假日安排的通知);
// 2027's (国务院办公厅关于2027年部分节假日安排的通知) as lunar-go v1.4.7 carries
// it, see Test2027.

var builtinCal = sync.OnceValue(func() *Calendar {
	c, err := New(Builtin())
	if err != nil {
		panic(err)
	}
	return c
})

// sh parses "2006-01-02 15:04" (or just a date) as Asia/Shanghai wall-clock
// time.
func sh(t testing.TB, s string) time.Time {
	t.Helper()
	layout := "2006-01-02 15:04"
	if len(s) == len(time.DateOnly) {
		layout = time.DateOnly
	}
	v, err := time.ParseInLocation(layout, s, Shanghai)
	if err != nil {
		t.Fatalf("bad test time %q: %v", s, err)
	}
	return v
}

func TestShanghai(t *testing.T) {
	if Shanghai.String() != "Asia/Shanghai" {
		t.Errorf("Shanghai = %v, want Asia/Shanghai (tzdata not embedded?)", Shanghai)
	}
}

func TestBuiltinData(t *testing.T) {
	days := Builtin()
	type count struct{ holiday, workday int }
	got := map[int]count{}
	prev := ""
	for _, d := range days {
		if d.Date <= prev {
			t.Errorf("Builtin not strictly sorted: %s after %s", d.Date, prev)
		}
		prev = d.Date
		year := sh(t, d.Date).Year()
		c := got[year]
		switch d.Kind {
		case Holiday:
			c.holiday++
		case Workday:
			c.workday++
		default:
			t.Errorf("%s: kind %q", d.Date, d.Kind)
		}
		if d.Name == "" {
			t.Errorf("%s: no name", d.Date)
		}
		got[year] = c
	}
	// Counted by the year of the date itself, weekend days of a break
	// included; 2023-12-30/31 (New Year 2024) count towards 2023.
	for year, want := range map[int]count{2024: {30, 8}, 2025: {28, 5}, 2026: {33, 6}, 2027: {29, 5}} {
		if got[year] != want {
			t.Errorf("%d: got %+v, want %+v", year, got[year], want)
		}
	}

	// Callers may modify the result without affecting later calls.
	days[0].Kind = "garbage"
	if Builtin()[0].Kind == "garbage" {
		t.Error("Builtin returns shared storage")
	}
}

func TestHasSchedule(t *testing.T) {
	c := builtinCal()
	for year := 2002; year <= 2027; year++ {
		if !c.HasSchedule(year) {
			t.Errorf("HasSchedule(%d) = false", year)
		}
	}
	for _, year := range []int{1999, 2000, 2028, 2031} {
		if c.HasSchedule(year) {
			t.Errorf("HasSchedule(%d) = true", year)
		}
	}
}

// dayCase is what a calendar should say of a date: a working day or not,
// and the name of its holiday or make-up day.
type dayCase struct {
	date    string
	working bool
	name    string
}

func TestDays(t *testing.T) {
	c := builtinCal()
	tests := []dayCase{
		// National Day + Mid-Autumn 2025: Oct 1–8 off, Sun 9-28 and Sat 10-11 worked.
		{"2025-09-27", false, ""},
		{"2025-09-28", true, "国庆中秋"},
		{"2025-09-29", true, ""},
		{"2025-09-30", true, ""},
		{"2025-10-01", false, "国庆中秋"},
		{"2025-10-02", false, "国庆中秋"},
		{"2025-10-03", false, "国庆中秋"},
		{"2025-10-04", false, "国庆中秋"},
		{"2025-10-05", false, "国庆中秋"},
		{"2025-10-06", false, "国庆中秋"},
		{"2025-10-07", false, "国庆中秋"},
		{"2025-10-08", false, "国庆中秋"},
		{"2025-10-09", true, ""},
		{"2025-10-10", true, ""},
		{"2025-10-11", true, "国庆中秋"},
		{"2025-10-12", false, ""},
		// Spring Festival 2026: Feb 15–23 off (9 days), Sat 2-14 and Sat 2-28 worked.
		{"2026-02-13", true, ""},
		{"2026-02-14", true, "春节"},
		{"2026-02-15", false, "春节"},
		{"2026-02-16", false, "春节"},
		{"2026-02-17", false, "春节"},
		{"2026-02-18", false, "春节"},
		{"2026-02-19", false, "春节"},
		{"2026-02-20", false, "春节"},
		{"2026-02-21", false, "春节"},
		{"2026-02-22", false, "春节"},
		{"2026-02-23", false, "春节"},
		{"2026-02-24", true, ""},
		{"2026-02-28", true, "春节"},
		{"2026-03-01", false, ""},
		// Spring Festival 2024: Feb 10–17 off, Sun 2-4 and Sun 2-18 worked.
		{"2024-02-03", false, ""},
		{"2024-02-04", true, "春节"},
		{"2024-02-09", true, ""},
		{"2024-02-10", false, "春节"},
		{"2024-02-12", false, "春节"},
		{"2024-02-16", false, "春节"},
		{"2024-02-17", false, "春节"},
		{"2024-02-18", true, "春节"},
		{"2024-02-19", true, ""},
		// New Year 2024 starts on 2023-12-30.
		{"2023-12-30", false, "元旦节"},
		{"2024-01-01", false, "元旦节"},
		// New Year 2026: Jan 1–3 off, Sun 1-4 worked.
		{"2025-12-31", true, ""},
		{"2026-01-01", false, "元旦节"},
		{"2026-01-02", false, "元旦节"},
		{"2026-01-03", false, "元旦节"},
		{"2026-01-04", true, "元旦节"},
		// Labour Day 2026: May 1–5 off, Sat 5-9 worked.
		{"2026-05-05", false, "劳动节"},
		{"2026-05-09", true, "劳动节"},
		// No schedule for 2031: plain Mon–Fri.
		{"2031-01-01", true, ""},  // Wednesday
		{"2031-01-04", false, ""}, // Saturday
		{"2031-10-01", true, ""},  // Wednesday
	}
	for _, tt := range tests {
		d := sh(t, tt.date+" 12:00")
		if got := c.IsWorkingDay(d); got != tt.working {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.date, got, tt.working)
		}
		working, name, scheduled := c.DayInfo(d)
		if working != tt.working || name != tt.name || scheduled != (d.Year() != 2031) {
			t.Errorf("DayInfo(%s) = %v, %q, %v; want %v, %q, %v", tt.date, working, name, scheduled, tt.working, tt.name, d.Year() != 2031)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := builtinCal()
	checkAdd(t, "AddWorkingDays", c.AddWorkingDays, []addCase{
		{"2025-09-26 10:00", 1, "2025-09-28 10:00"}, // Fri → make-up Sunday
		{"2025-09-26 10:00", 2, "2025-09-29 10:00"},
		{"2025-09-26 10:00", 3, "2025-09-30 10:00"},
		{"2025-09-26 10:00", 4, "2025-10-09 10:00"},
		{"2025-09-30 10:00", 1, "2025-10-09 10:00"}, // across the whole break
		{"2025-10-01 10:00", 1, "2025-10-09 10:00"}, // from inside the break
		{"2025-10-01 10:00", -1, "2025-09-30 10:00"},
		{"2025-10-09 10:00", -1, "2025-09-30 10:00"},
		{"2025-10-09 10:00", -4, "2025-09-26 10:00"},
		{"2025-10-10 09:00", 1, "2025-10-11 09:00"}, // make-up Saturday
		{"2025-10-10 09:00", 2, "2025-10-13 09:00"},
		{"2025-10-13 09:00", -2, "2025-10-10 09:00"},
		{"2026-02-13 18:00", 1, "2026-02-14 18:00"},
		{"2026-02-13 18:00", 2, "2026-02-24 18:00"},
		{"2026-02-24 18:00", -1, "2026-02-14 18:00"},
		{"2026-02-24 18:00", -2, "2026-02-13 18:00"},
		{"2026-02-27 08:30", 1, "2026-02-28 08:30"},
		{"2026-02-27 08:30", 2, "2026-03-02 08:30"},
		{"2024-02-02 09:00", 1, "2024-02-04 09:00"},
		{"2024-02-09 09:00", 1, "2024-02-18 09:00"},
		{"2025-12-31 09:00", 1, "2026-01-04 09:00"},
		{"2026-01-05 09:00", -1, "2026-01-04 09:00"},
		{"2026-01-05 09:00", -2, "2025-12-31 09:00"},
		{"2025-01-01 00:00", 250, "2026-01-05 00:00"}, // 248 working days in 2025
		{"2026-12-31 23:59", -300, "2025-10-20 23:59"},
		{"2031-01-03 15:00", 1, "2031-01-06 15:00"}, // unscheduled year: plain weekend
		{"2031-01-06 15:00", -1, "2031-01-03 15:00"},
		{"2025-10-03 10:00", 0, "2025-10-03 10:00"}, // n == 0 returns t even on a holiday
	})
}

// addCase is an addition of n working days or hours to from, and its sum.
type addCase struct {
	from string
	n    int
	want string
}

// checkAdd checks add (AddWorkingDays or AddWorkingHours, named name) on
// every case: the sum, in Asia/Shanghai.
func checkAdd(t *testing.T, name string, add func(time.Time, int) time.Time, cases []addCase) {
	t.Helper()
	for _, tt := range cases {
		got := add(sh(t, tt.from), tt.n)
		if want := sh(t, tt.want); !got.Equal(want) || got.Location() != Shanghai {
			t.Errorf("%s(%s, %d) = %v, want %v", name, tt.from, tt.n, got, want)
		}
	}
}

func TestAddWorkingHours(t *testing.T) {
	c := builtinCal()
	checkAdd(t, "AddWorkingHours", c.AddWorkingHours, []addCase{
		{"2025-09-30 17:00", 24, "2025-10-09 17:00"}, // 7h on 9-30, 17h on 10-09
		{"2025-09-30 17:00", 7, "2025-10-01 00:00"},  // ends exactly at the end of 9-30
		{"2025-09-30 17:00", 8, "2025-10-09 01:00"},
		{"2025-10-03 12:00", 1, "2025-10-09 01:00"},  // starts at 00:00 of the next working day
		{"2025-10-03 12:00", 24, "2025-10-10 00:00"}, // all of 10-09
		{"2025-10-03 12:00", 49, "2025-10-11 01:00"}, // 10-09, 10-10, then make-up Saturday
		{"2025-11-21 17:00", 24, "2025-11-24 17:00"}, // ordinary Fri → Mon
		{"2025-11-21 00:00", 24, "2025-11-22 00:00"}, // exactly all of Friday
		{"2025-11-21 00:00", 25, "2025-11-24 01:00"},
		{"2025-11-22 10:00", 1, "2025-11-24 01:00"},  // from a Saturday
		{"2025-09-26 12:00", 48, "2025-09-29 12:00"}, // 12h Fri, 24h make-up Sun, 12h Mon
		{"2026-02-13 20:00", 8, "2026-02-14 04:00"},
		{"2026-02-13 20:00", 30, "2026-02-24 02:00"},
		{"2025-01-01 00:00", 24 * 250, "2026-01-06 00:00"}, // 250 whole working days from the holiday
		{"2025-01-02 09:30", 24*5 + 3, "2025-01-09 12:30"},
		{"2025-10-03 12:00", 0, "2025-10-03 12:00"}, // h <= 0 returns t unchanged
		{"2025-10-03 12:00", -5, "2025-10-03 12:00"},
		{"2031-01-03 17:00", 24, "2031-01-06 17:00"},
	})
}

func TestWorkingDaysBetween(t *testing.T) {
	c := builtinCal()
	tests := []struct {
		from, to string
		want     int
	}{
		{"2025-09-26 10:00", "2025-10-09 09:00", 4}, // 9-28, 9-29, 9-30, 10-09
		{"2025-09-30 10:00", "2025-10-08 23:00", 0},
		{"2025-09-30 10:00", "2025-10-09 00:00", 1},
		{"2025-10-09 10:00", "2025-09-26 10:00", 0}, // to before from
		{"2025-10-09 10:00", "2025-10-09 23:00", 0}, // same date
		{"2026-02-13 10:00", "2026-02-28 10:00", 6}, // 2-14, 2-24..2-27, 2-28
		{"2023-12-31 00:00", "2024-12-31 00:00", 251},
		{"2024-12-31 00:00", "2025-12-31 00:00", 248},
		{"2025-12-31 00:00", "2026-12-31 00:00", 248},
		{"2025-01-01 00:00", "2026-01-01 00:00", 248},
		{"2030-12-31 00:00", "2031-12-31 00:00", 261}, // plain Mon–Fri
		{"1969-12-01 00:00", "1970-02-01 00:00", 44},  // across day 0
	}
	for _, tt := range tests {
		if got := c.WorkingDaysBetween(sh(t, tt.from), sh(t, tt.to)); got != tt.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestOverrides(t *testing.T) {
	c, err := New(Builtin(), []Day{
		{"2031-01-01", Holiday, "元旦"},
		{"2025-10-08", Workday, "调班"}, // builtin holiday → worked
		{"2025-09-28", Holiday, "改休"}, // builtin make-up day → off
		{"2030-06-01", Holiday, "first"},
		{"2030-06-01", Workday, "second"}, // later entry wins within a list too
	})
	if err != nil {
		t.Fatal(err)
	}
	if !c.HasSchedule(2031) || c.HasSchedule(2032) {
		t.Error("override did not make 2031 (and only 2031) scheduled")
	}
	tests := []dayCase{
		{"2031-01-01", false, "元旦"},
		{"2031-01-02", true, ""},
		{"2025-10-08", true, "调班"},
		{"2025-10-07", false, "国庆中秋"},
		{"2025-09-28", false, "改休"},
		{"2030-06-01", true, "second"}, // a Saturday, worked
	}
	for _, tt := range tests {
		working, name, _ := c.DayInfo(sh(t, tt.date))
		if working != tt.working || name != tt.name {
			t.Errorf("DayInfo(%s) = %v, %q; want %v, %q", tt.date, working, name, tt.working, tt.name)
		}
	}
	if got, want := c.AddWorkingDays(sh(t, "2025-09-30 10:00"), 1), sh(t, "2025-10-08 10:00"); !got.Equal(want) {
		t.Errorf("AddWorkingDays over overridden break = %v, want %v", got, want)
	}
	if got, want := c.AddWorkingDays(sh(t, "2025-09-26 10:00"), 1), sh(t, "2025-09-29 10:00"); !got.Equal(want) {
		t.Errorf("AddWorkingDays over overridden make-up day = %v, want %v", got, want)
	}
	if got := c.WorkingDaysBetween(sh(t, "2025-09-26"), sh(t, "2025-10-09")); got != 4 {
		t.Errorf("WorkingDaysBetween with overrides = %d, want 4 (9-29, 9-30, 10-08, 10-09)", got)
	}

	// The builtin calendar is unaffected.
	if !builtinCal().IsWorkingDay(sh(t, "2031-01-01")) {
		t.Error("override leaked into another calendar")
	}
}

func TestTimeZones(t *testing.T) {
	c := builtinCal()
	// 2025-10-01 00:30 in Shanghai: a holiday, although it is still
	// September 30 in UTC.
	utc := time.Date(2025, 9, 30, 16, 30, 0, 0, time.UTC)
	if c.IsWorkingDay(utc) {
		t.Error("2025-09-30T16:30Z counted as a working day")
	}
	if working, name, _ := c.DayInfo(utc); working || name != "国庆中秋" {
		t.Errorf("DayInfo(2025-09-30T16:30Z) = %v, %q", working, name)
	}
	if !c.IsWorkingDay(time.Date(2025, 9, 30, 15, 59, 59, 0, time.UTC)) {
		t.Error("2025-09-30 23:59:59 Shanghai counted as a day off")
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	// 2025-10-08 20:00 in New York is 2025-10-09 08:00 in Shanghai.
	if !c.IsWorkingDay(time.Date(2025, 10, 8, 20, 0, 0, 0, ny)) {
		t.Error("2025-10-08 20:00 New York (10-09 Shanghai) counted as a day off")
	}

	for _, tt := range []struct {
		name string
		got  time.Time
		want time.Time
	}{
		{"AddWorkingDays", c.AddWorkingDays(utc, 1), sh(t, "2025-10-09 00:30")},
		{"AddWorkingDays 0", c.AddWorkingDays(utc, 0), sh(t, "2025-10-01 00:30")},
		{"AddWorkingDays -1", c.AddWorkingDays(utc, -1), sh(t, "2025-09-30 00:30")},
		{"AddWorkingHours", c.AddWorkingHours(utc, 1), sh(t, "2025-10-09 01:00")},
		{"AddWorkingHours 0", c.AddWorkingHours(utc, 0), sh(t, "2025-10-01 00:30")},
	} {
		if !tt.got.Equal(tt.want) || tt.got.Location() != Shanghai {
			t.Errorf("%s = %v, want %v in Asia/Shanghai", tt.name, tt.got, tt.want)
		}
	}
	if got := c.WorkingDaysBetween(time.Date(2025, 9, 29, 16, 30, 0, 0, time.UTC), utc); got != 0 {
		t.Errorf("WorkingDaysBetween(9-30 00:30, 10-01 00:30 Shanghai) = %d, want 0", got)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		day      Day
		wantDate bool // the error wraps a *time.ParseError
	}{
		{Day{"2025-13-01", Holiday, "bad month"}, true},
		{Day{"2025-02-30", Holiday, "bad day"}, true},
		{Day{"2025/10/01", Holiday, "bad layout"}, true},
		{Day{"", Holiday, "empty"}, true},
		{Day{"2025-10-01", "off", "bad kind"}, false},
		{Day{"2025-10-01", "", "empty kind"}, false},
		{Day{"2025-10-01", "Holiday", "wrong case"}, false},
	}
	for _, tt := range tests {
		_, err := New(Builtin(), []Day{{"2030-01-01", Holiday, "fine"}, tt.day})
		if err == nil {
			t.Errorf("New accepted %+v", tt.day)
			continue
		}
		var pe *time.ParseError
		if errors.As(err, &pe) != tt.wantDate {
			t.Errorf("New(%+v): error %q, wraps ParseError = %v", tt.day, err, !tt.wantDate)
		}
		// The message names the entry: list 1, entry 1, and its date.
		if msg := err.Error(); !strings.Contains(msg, "list 1 entry 1") || !strings.Contains(msg, tt.day.Date) {
			t.Errorf("New(%+v): error %q does not name the entry", tt.day, msg)
		}
	}
}

func TestEmptyCalendar(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if c.HasSchedule(2025) {
		t.Error("empty calendar has a schedule")
	}
	if !c.IsWorkingDay(sh(t, "2025-10-01")) {
		t.Error("empty calendar: Wed 2025-10-01 off")
	}
	// The week-skipping fast path against the counting one.
	from := sh(t, "2025-10-01 09:00") // Wednesday
	for _, n := range []int{1, 2, 3, 4, 5, 6, 7, 11, 100, 1000, 100000} {
		got := c.AddWorkingDays(from, n)
		if !c.IsWorkingDay(got) || c.WorkingDaysBetween(from, got) != n {
			t.Errorf("AddWorkingDays(%v, %d) = %v", from, n, got)
		}
		back := c.AddWorkingDays(got, -n)
		if !back.Equal(from) {
			t.Errorf("AddWorkingDays(AddWorkingDays(%v, %d), %d) = %v", from, n, -n, back)
		}
	}
}

// TestAgainstReference compares the calendar with a naive, day-by-day
// implementation over every day from 2023 to 2028 (a year past the data).
func TestAgainstReference(t *testing.T) {
	c := builtinCal()
	kinds := map[string]Kind{}
	for _, d := range Builtin() {
		kinds[d.Date] = d.Kind
	}
	refWorking := func(d time.Time) bool {
		if k, ok := kinds[d.Format(time.DateOnly)]; ok {
			return k == Workday
		}
		return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
	}
	refAdd := func(d time.Time, n int) time.Time {
		step := 1
		if n < 0 {
			step, n = -1, -n
		}
		for n > 0 {
			d = d.AddDate(0, 0, step)
			if refWorking(d) {
				n--
			}
		}
		return d
	}
	start := sh(t, "2023-01-01 11:15")
	for d := start; d.Year() < 2029; d = d.AddDate(0, 0, 1) {
		if got, want := c.IsWorkingDay(d), refWorking(d); got != want {
			t.Fatalf("IsWorkingDay(%s) = %v, want %v", d.Format(time.DateOnly), got, want)
		}
		for _, n := range []int{-23, -7, -2, -1, 1, 2, 5, 9, 30} {
			if got, want := c.AddWorkingDays(d, n), refAdd(d, n); !got.Equal(want) {
				t.Fatalf("AddWorkingDays(%s, %d) = %v, want %v", d.Format(time.DateOnly), n, got, want)
			}
		}
		// Each day adds exactly its own working-ness to the running count.
		step := c.WorkingDaysBetween(start, d) - c.WorkingDaysBetween(start, d.AddDate(0, 0, -1))
		if want := map[bool]int{true: 1}[refWorking(d)]; d.After(start) && step != want {
			t.Fatalf("WorkingDaysBetween grows by %d at %s, want %d", step, d.Format(time.DateOnly), want)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	c := builtinCal()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			from := sh(t, "2025-09-20 09:00").AddDate(0, 0, i)
			for n := -50; n <= 50; n++ {
				got := c.AddWorkingDays(from, n)
				if n > 0 && c.WorkingDaysBetween(from, got) != n {
					t.Errorf("AddWorkingDays(%v, %d) = %v inconsistent", from, n, got)
				}
				c.AddWorkingHours(from, n)
			}
		})
	}
	wg.Wait()
}

func BenchmarkAddWorkingDays(b *testing.B) {
	c := builtinCal()
	from := sh(b, "2025-09-26 10:00")
	for b.Loop() {
		c.AddWorkingDays(from, 20)
	}
}

func BenchmarkAddWorkingHours(b *testing.B) {
	c := builtinCal()
	from := sh(b, "2025-09-26 10:00")
	for b.Loop() {
		c.AddWorkingHours(from, 72)
	}
}

// TestLongBreak makes sure the run guard leaves room for any break the
// entries can describe: here three whole years off.
func TestLongBreak(t *testing.T) {
	var off []Day
	for d := sh(t, "2040-01-01"); d.Year() < 2043; d = d.AddDate(0, 0, 1) {
		off = append(off, Day{d.Format(time.DateOnly), Holiday, "sabbatical"})
	}
	c, err := New(off)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.AddWorkingDays(sh(t, "2039-12-30 09:00"), 1), sh(t, "2043-01-01 09:00"); !got.Equal(want) {
		t.Errorf("AddWorkingDays across the break = %v, want %v", got, want)
	}
	if got, want := c.AddWorkingDays(sh(t, "2043-01-01 09:00"), -1), sh(t, "2039-12-30 09:00"); !got.Equal(want) {
		t.Errorf("AddWorkingDays back across the break = %v, want %v", got, want)
	}
	if got, want := c.AddWorkingHours(sh(t, "2039-12-30 09:00"), 16), sh(t, "2043-01-01 01:00"); !got.Equal(want) {
		t.Errorf("AddWorkingHours across the break = %v, want %v", got, want)
	}
}
