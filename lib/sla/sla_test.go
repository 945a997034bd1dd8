package sla

import (
	"testing"
	"time"

	"wuye/lib/workcal"
)

func cal(t *testing.T) *workcal.Calendar {
	t.Helper()
	c, err := workcal.New(workcal.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, workcal.Shanghai)
}

func defaultOf(t *testing.T, subject, level, urgency, target string) Policy {
	t.Helper()
	for _, d := range Defaults {
		if d.Subject == subject && d.Level == level && d.Urgency == urgency && d.Target == target {
			return d.Policy()
		}
	}
	t.Fatalf("no default %s/%s/%s/%s", subject, level, urgency, target)
	return Policy{}
}

// The defaults of the manuals, each at the instants where counting matters.
func TestDefaultDeadlines(t *testing.T) {
	c := cal(t)
	firstResponse := defaultOf(t, "complaint", "", "", "first_response")
	reply := defaultOf(t, "complaint", "", "", "reply")
	solution := defaultOf(t, "complaint", "major", "", "solution")
	orderReply := defaultOf(t, "work_order", "", "normal", "reply")
	urgentReply := defaultOf(t, "work_order", "", "urgent", "reply")
	urgentArrival := defaultOf(t, "work_order", "", "urgent", "arrival")
	cases := []struct {
		name     string
		p        Policy
		from     time.Time
		want     time.Time
		manual   string
		notWants []time.Time // what the counting must not give (the old working-hour count)
	}{
		// [002] 三 3.2: 接到业主诉求后，24小时内给予初步回应 — clock hours.
		{"complaint on a Friday evening: first response Saturday evening", firstResponse,
			at(2026, 3, 6, 19, 0), at(2026, 3, 7, 19, 0), "[002] 三 3.2", []time.Time{at(2026, 3, 9, 19, 0)}},
		{"complaint on the eve of the Spring Festival 2026: still 24 clock hours", firstResponse,
			at(2026, 2, 14, 20, 0), at(2026, 2, 15, 20, 0), "[002] 三 3.2", []time.Time{at(2026, 2, 24, 20, 0)}},
		{"complaint on the first day of the festival", firstResponse,
			at(2026, 2, 17, 9, 30), at(2026, 2, 18, 9, 30), "[002] 三 3.2", nil},
		// [002] 三 3.2: 复杂问题48小时内提供解决方案.
		{"complex complaint: a solution within 48 hours, over the weekend", solution,
			at(2026, 3, 6, 19, 0), at(2026, 3, 8, 19, 0), "[002] 三 3.2", nil},
		// [004] 三 3.6: 收到信息之日起2个工作日内反馈 — working days.
		{"feedback within 2 working days: Friday to Tuesday", reply,
			at(2026, 3, 6, 19, 0), at(2026, 3, 10, 19, 0), "[004] 三 3.6", nil},
		{"feedback over the Spring Festival: the make-up Saturday, then the first day back", reply,
			at(2026, 2, 13, 10, 0), at(2026, 2, 24, 10, 0), "[004] 三 3.6", nil},
		// [003] 2.4.3: 15分鐘內回復客戶 — inside the opening hours.
		{"work order 22:26 on a Saturday: next opening plus 15 minutes", orderReply,
			at(2026, 3, 7, 22, 26), at(2026, 3, 8, 8, 15), "[003] 2.4.3", nil},
		{"work order at 09:00: 15 minutes", orderReply,
			at(2026, 3, 9, 9, 0), at(2026, 3, 9, 9, 15), "[003] 2.4.3", nil},
		{"work order at 17:50: 10 minutes today, 5 tomorrow", orderReply,
			at(2026, 3, 9, 17, 50), at(2026, 3, 10, 8, 5), "[003] 2.4.3", nil},
		{"work order at 07:00: opening plus 15", orderReply,
			at(2026, 3, 9, 7, 0), at(2026, 3, 9, 8, 15), "[003] 2.4.3", nil},
		{"work order at 17:45: due at closing time", orderReply,
			at(2026, 3, 9, 17, 45), at(2026, 3, 9, 18, 0), "[003] 2.4.3", nil},
		// An urgent repair is answered around the clock.
		{"urgent repair 22:26 on a Saturday: 22:41", urgentReply,
			at(2026, 3, 7, 22, 26), at(2026, 3, 7, 22, 41), "[003] 2.4.3", nil},
		{"urgent repair: a technician within 30 minutes, at night", urgentArrival,
			at(2026, 3, 7, 22, 26), at(2026, 3, 7, 22, 56), "office practice", nil},
	}
	for _, tc := range cases {
		got := Due(c, tc.from, tc.p)
		if !got.Equal(tc.want) {
			t.Errorf("%s (%s): due %v, want %v", tc.name, tc.manual, got, tc.want)
		}
		for _, n := range tc.notWants {
			if got.Equal(n) {
				t.Errorf("%s: due %v, the working-hour count", tc.name, got)
			}
		}
		if got.Location() != workcal.Shanghai {
			t.Errorf("%s: result in %v", tc.name, got.Location())
		}
	}
}

// Opening hours on working days only skip weekends and holidays, and count
// a 调休 Saturday.
func TestOpenTimeOnWorkingDays(t *testing.T) {
	c := cal(t)
	h, err := ParseHours("08:30", "17:30", "working_days")
	if err != nil {
		t.Fatal(err)
	}
	p := Policy{Amount: 15, Unit: Minutes, Hours: &h}
	for _, tc := range []struct{ from, want time.Time }{
		{at(2026, 3, 7, 22, 26), at(2026, 3, 9, 8, 45)},   // Saturday night → Monday
		{at(2026, 2, 13, 17, 20), at(2026, 2, 14, 8, 35)}, // Friday before the festival → the make-up Saturday
		{at(2026, 2, 14, 18, 0), at(2026, 2, 24, 8, 45)},  // after it → the first day back
	} {
		if got := Due(c, tc.from, p); !got.Equal(tc.want) {
			t.Errorf("from %v: %v, want %v", tc.from, got, tc.want)
		}
	}
	// Clock hours inside opening hours: 10 open hours a day, every day.
	every, _ := ParseHours("08:00", "18:00", "every_day")
	if got, want := Due(c, at(2026, 3, 9, 16, 0), Policy{Amount: 4, Unit: ClockHours, Hours: &every}), at(2026, 3, 10, 10, 0); !got.Equal(want) {
		t.Errorf("4 open hours from 16:00: %v, want %v", got, want)
	}
	if got, want := Opening(c, at(2026, 3, 9, 18, 0), every), at(2026, 3, 10, 8, 0); !got.Equal(want) {
		t.Errorf("opening after closing: %v, want %v", got, want)
	}
	if got, want := Opening(c, at(2026, 3, 9, 12, 0), every), at(2026, 3, 9, 12, 0); !got.Equal(want) {
		t.Errorf("opening while open: %v, want %v", got, want)
	}
}

func TestParseHours(t *testing.T) {
	for _, bad := range [][3]string{
		{"8:00", "18:00", "every_day"}, {"08:00", "24:00", "every_day"}, {"18:00", "08:00", "every_day"},
		{"08:00", "08:00", "every_day"}, {"08:00", "18:00", "weekends"}, {"ab:cd", "18:00", "every_day"},
	} {
		if _, err := ParseHours(bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("ParseHours%v accepted", bad)
		}
	}
	h, err := ParseHours("08:30", "21:00", "every_day")
	if err != nil || h.Opens != 510 || h.Closes != 1260 {
		t.Fatalf("ParseHours: %+v %v", h, err)
	}
}

// [004] 三 7.1: 赴约提前抵达时间不超出5分钟，迟到最迟不超出2分钟.
func TestVerdict(t *testing.T) {
	appt := at(2026, 3, 9, 10, 0)
	due := appt.Add(2 * time.Minute)
	for _, tc := range []struct {
		arrived time.Time
		want    string
	}{
		{appt.Add(-6 * time.Minute), "early"}, {appt.Add(-5 * time.Minute), "on_time"},
		{appt.Add(2 * time.Minute), "on_time"}, {appt.Add(3 * time.Minute), "late"},
	} {
		if got := Verdict(tc.arrived, appt, due, 5*time.Minute); got != tc.want {
			t.Errorf("arrived %v: %s, want %s", tc.arrived, got, tc.want)
		}
	}
	// An urgent repair has no appointment: never early.
	if got := Verdict(appt.Add(-time.Hour), time.Time{}, due, 0); got != "on_time" {
		t.Errorf("urgent arrival early: %s", got)
	}
}
