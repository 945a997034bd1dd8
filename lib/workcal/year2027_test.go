package workcal

import "testing"

// Test2027 checks the 2027 schedule that lunar-go v1.4.7 added
// (HolidayUtil, CHANGELOG "1.4.7 - 2026-11-06: 新增2027年法定假日"), which is
// the State Council's notice for the year (国务院办公厅关于2027年部分节假日安排
// 的通知) as lunar-go transcribes it. Before the upgrade 2027 had no
// schedule: every weekday below was a working day and the make-up Sundays
// were days off. Deadlines count these working days ([004] 三 3.6: the
// complainant hears back within 2 working days; docs/DESIGN.md § Complaints).
func Test2027(t *testing.T) {
	c := builtinCal()
	if !c.HasSchedule(2027) {
		t.Fatal("2027 has no schedule: lunar-go older than v1.4.7?")
	}
	days := []dayCase{
		// New Year: Fri 1-1 to Sun 1-3 off, no make-up day.
		{"2026-12-31", true, ""},
		{"2027-01-01", false, "元旦节"},
		{"2027-01-03", false, "元旦节"},
		{"2027-01-04", true, ""},
		// Spring Festival (春节, New Year's Day Sat 2-6): Fri 2-5 to Sat 2-13
		// off, nine days; Sun 1-31 and Sun 2-14 worked.
		{"2027-01-30", false, ""},
		{"2027-01-31", true, "春节"},
		{"2027-02-04", true, ""},
		{"2027-02-05", false, "春节"},
		{"2027-02-06", false, "春节"},
		{"2027-02-08", false, "春节"},
		{"2027-02-09", false, "春节"},
		{"2027-02-10", false, "春节"},
		{"2027-02-11", false, "春节"},
		{"2027-02-12", false, "春节"},
		{"2027-02-13", false, "春节"},
		{"2027-02-14", true, "春节"},
		{"2027-02-15", true, ""},
		// Qingming: Sat 4-3 to Mon 4-5 off.
		{"2027-04-05", false, "清明节"},
		// Labour Day: Sat 5-1 to Wed 5-5 off, Sat 5-8 worked.
		{"2027-05-04", false, "劳动节"},
		{"2027-05-05", false, "劳动节"},
		{"2027-05-06", true, ""},
		{"2027-05-08", true, "劳动节"},
		// Dragon Boat: Wed 6-9 off.
		{"2027-06-09", false, "端午节"},
		// Mid-Autumn: Wed 9-15 off.
		{"2027-09-15", false, "中秋节"},
		// National Day: Fri 10-1 to Thu 10-7 off, Sun 9-26 and Sat 10-9 worked.
		{"2027-09-26", true, "国庆节"},
		{"2027-10-01", false, "国庆节"},
		{"2027-10-07", false, "国庆节"},
		{"2027-10-08", true, ""},
		{"2027-10-09", true, "国庆节"},
	}
	for _, tt := range days {
		working, name, scheduled := c.DayInfo(sh(t, tt.date+" 12:00"))
		if working != tt.working || name != tt.name || !scheduled {
			t.Errorf("DayInfo(%s) = %v, %q, %v; want %v, %q, true", tt.date, working, name, scheduled, tt.working, tt.name)
		}
	}
	// A complaint taken on the eve of the break is answered 2 working days
	// later: the make-up Sunday after the break, then Monday.
	checkAdd(t, "AddWorkingDays", c.AddWorkingDays, []addCase{
		{"2027-02-04 16:00", 1, "2027-02-14 16:00"},
		{"2027-02-04 16:00", 2, "2027-02-15 16:00"},
		{"2027-01-29 10:00", 1, "2027-01-31 10:00"}, // Fri → make-up Sunday
		{"2027-02-14 09:00", -1, "2027-02-04 09:00"},
		{"2027-09-30 10:00", 1, "2027-10-08 10:00"},
	})
	// The 24-hour first response over the break: 8 hours on Thursday, 16 on
	// the make-up Sunday.
	if got, want := c.AddWorkingHours(sh(t, "2027-02-04 16:00"), 24), sh(t, "2027-02-14 16:00"); !got.Equal(want) {
		t.Errorf("AddWorkingHours(2027-02-04 16:00, 24) = %v, want %v", got, want)
	}
	if got := c.WorkingDaysBetween(sh(t, "2027-02-04"), sh(t, "2027-02-15")); got != 2 {
		t.Errorf("WorkingDaysBetween(2-4, 2-15) = %d, want 2", got)
	}
}

// TestUnscheduled: the office is warned 60 days before a year without a
// schedule begins, and all through a year without one (docs/DESIGN.md
// § Operations, the working-day calendar).
func TestUnscheduled(t *testing.T) {
	c := builtinCal() // 2002–2027
	tests := []struct {
		at   string
		year int
		ok   bool
	}{
		{"2027-06-30 12:00", 0, false},
		{"2027-11-01 23:59", 0, false}, // 61 days before 2028
		{"2027-11-02 00:00", 2028, true},
		{"2027-12-31 23:00", 2028, true},
		{"2028-01-01 00:00", 2028, true}, // in the year itself
		{"2028-07-01 09:00", 2028, true},
		{"2026-12-05 09:00", 0, false}, // 2027 is carried now
		{"2031-03-01 09:00", 2031, true},
	}
	for _, tt := range tests {
		year, ok := c.Unscheduled(sh(t, tt.at), 60)
		if year != tt.year || ok != tt.ok {
			t.Errorf("Unscheduled(%s, 60) = %d, %v; want %d, %v", tt.at, year, ok, tt.year, tt.ok)
		}
	}
	// A year entered by hand counts.
	c2, err := New(Builtin(), []Day{{"2028-01-01", Holiday, "元旦"}})
	if err != nil {
		t.Fatal(err)
	}
	if year, ok := c2.Unscheduled(sh(t, "2027-12-01 09:00"), 60); ok {
		t.Errorf("Unscheduled with 2028 entered = %d, true", year)
	}
	// In UTC it is still 1 November, in Shanghai already the 2nd.
	if _, ok := c.Unscheduled(sh(t, "2027-11-02 07:00").UTC(), 60); !ok {
		t.Error("Unscheduled reads the date in UTC")
	}
}
