package fee

import (
	"math/big"
	"testing"
	"time"
)

func d(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func period(code string) Period {
	p, err := ParsePeriod(code)
	if err != nil {
		panic(err)
	}
	return p
}

func TestParsePeriod(t *testing.T) {
	for code, want := range map[string][2]string{
		"2026-01": {"2026-01-01", "2026-01-31"}, "2024-02": {"2024-02-01", "2024-02-29"},
		"2026-Q1": {"2026-01-01", "2026-03-31"}, "2026-Q4": {"2026-10-01", "2026-12-31"},
	} {
		p, err := ParsePeriod(code)
		if err != nil || !p.First.Equal(d(want[0])) || !p.Last.Equal(d(want[1])) {
			t.Errorf("%s: %v–%v (%v), want %v", code, p.First, p.Last, err, want)
		}
	}
	if p := period("2026-Q1"); p.Days() != 90 {
		t.Errorf("Q1 2026 has %d days", p.Days())
	}
	for _, bad := range []string{"2026-Q5", "2026-13", "2026-00", "26-01", "2026-1", "2026Q1", ""} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// The examples follow the rule by hand: 2.35 元/m² × 89.37 m² is 21001.95
// fen a month at full price.
func TestManagementFee(t *testing.T) {
	const price, area = 235, 8937
	cases := []struct {
		name   string
		o      Occupancy
		period string
		want   int64
	}{
		{"a full month at full price: 21001.95 → 21002", Occupancy{AreaCentiM2: area, HandedOver: d("2024-01-01"), Renovated: d("2024-02-01"), MovedIn: d("2024-03-01")}, "2026-01", 21002},
		{"a full quarter: 3 × 21001.95 = 63005.85 → 63006", Occupancy{AreaCentiM2: area, HandedOver: d("2024-01-01"), Renovated: d("2024-02-01")}, "2026-Q1", 63006},
		{"handed over, not yet renovated: half, 10500.975 → 10501", Occupancy{AreaCentiM2: area, HandedOver: d("2025-06-01")}, "2026-01", 10501},
		// Jan half, Feb 1–15 half and 16–28 full, Mar full:
		// 21001.95 × (1/2 + (15/2 + 13)/28 + 1) = 21001.95 × 62.5/28 = 46879.35… → 46879
		{"renovation registered mid-quarter", Occupancy{AreaCentiM2: area, HandedOver: d("2025-06-01"), Renovated: d("2026-02-16")}, "2026-Q1", 46879},
		// Jan nothing; Feb 10–28 half; Mar half: 21001.95 × (9.5/28 + 1/2) = 17626.64… → 17627
		{"handed over mid-quarter", Occupancy{AreaCentiM2: area, HandedOver: d("2026-02-10")}, "2026-Q1", 17627},
		// Jan, Feb half; Mar 1–19 half, 20–31 full: 21001.95 × (1 + 21.5/31) = 21001.95 + 14565.87 = 35567.82… → 35568
		{"moved in without renovation", Occupancy{AreaCentiM2: area, HandedOver: d("2025-06-01"), MovedIn: d("2026-03-20")}, "2026-Q1", 35568},
		// moved in on 15 January, renovated only after the quarter: half price ends with the move-in,
		// Jan 1–14 half, Jan 15–31 full, Feb and Mar full: 21001.95 × (7/31 + 17/31 + 2) = 21001.95 × 86/31 = 58263.47… → 58263
		{"the move-in ends half price though the renovation comes later", Occupancy{AreaCentiM2: area, HandedOver: d("2025-06-01"), Renovated: d("2026-04-01"), MovedIn: d("2026-01-15")}, "2026-Q1", 58263},
		{"not handed over: nothing", Occupancy{AreaCentiM2: area}, "2026-Q1", 0},
		{"handed over after the period: nothing", Occupancy{AreaCentiM2: area, HandedOver: d("2026-04-01")}, "2026-Q1", 0},
		// 29 days in February 2024: handed over on the 15th, half: 21001.95 × 15/29 / 2 = 5431.54… → 5432
		{"a leap February", Occupancy{AreaCentiM2: area, HandedOver: d("2024-02-15")}, "2024-02", 5432},
	}
	for _, c := range cases {
		if got := ManagementFee(price, c.o, period(c.period)).AmountFen; got != c.want {
			t.Errorf("%s: %d fen, want %d", c.name, got, c.want)
		}
	}
}

// TestEveryOrderOfDates prices Q4 2026 for a unit of 100 m² at 2 元/m² a
// month (¥200.00 a month at full price, ¥600.00 the quarter) for every
// order of its handover (H), renovation-registration (R) and move-in (M)
// dates, by [000] 收费员 4.2.1.1: 从业主收房之日起计收管理费, 装修办理前按半价
// 收取, 装修办理之日始或未装修已入住的按全价计收 — the fee starts at the
// handover; half price is for a unit neither renovated nor lived in; full
// price from the renovation or the move-in, whichever comes first. (The
// registry refuses R or M before H: hooks/registry.go.)
func TestEveryOrderOfDates(t *testing.T) {
	const price, area = 200, 10000 // 2 元/m²·月, 100 m²
	var none string
	o := func(h, r, m string) Occupancy {
		at := func(s string) time.Time {
			if s == "" {
				return time.Time{}
			}
			return d(s)
		}
		return Occupancy{AreaCentiM2: area, HandedOver: at(h), Renovated: at(r), MovedIn: at(m)}
	}
	// In Q4 2026: October has 31 days, November 30, December 31.
	// "mid" is 16 November: Nov 1–15 is 15 of 30 days, Nov 16–30 the other 15.
	const long, mid, late, next = "2024-05-01", "2026-11-16", "2026-10-16", "2027-01-05"
	cases := []struct {
		name    string
		o       Occupancy
		want    int64
		wasHalf bool // billed half price from the handover to the renovation before issue #18
	}{
		{"H only (handed over, empty): half all quarter, ¥300.00", o(long, none, none), 30000, false},
		{"H R M all long ago: full, ¥600.00", o(long, "2024-05-10", "2024-06-01"), 60000, false},
		// The unit: moved in 2024, renovation registered 16 Nov 2026.
		{"H M long ago, then R mid-quarter: full all quarter, ¥600.00 (was ¥450.00)", o(long, mid, "2024-06-01"), 60000, true},
		{"H long ago, M mid-quarter, no R: Oct and Nov 1–15 half, then full: ¥450.00", o(long, none, mid), 45000, false},
		{"H long ago, R mid-quarter, M after it: Oct and Nov 1–15 half, then full: ¥450.00", o(long, mid, next), 45000, false},
		{"H long ago, R and M the same day mid-quarter: ¥450.00", o(long, mid, mid), 45000, false},
		// Oct 1–15 half, from 16 Oct full: 20000 × (7.5 + 16)/31 + 40000 = 55161.29… → 55161
		{"H long ago, M 16 Oct, R 16 Nov: full from the move-in, ¥551.61 (was ¥450.00)", o(long, mid, late), 55161, true},
		{"H long ago, R 16 Oct, M 16 Nov: full from the renovation, ¥551.61", o(long, late, mid), 55161, false},
		// Oct nothing; Nov 16–30 half: 20000 × 15/30 / 2 = 5000; Dec half 10000.
		{"H mid-quarter, nothing else: ¥150.00", o(mid, none, none), 15000, false},
		{"H, R, M the same day mid-quarter: full from that day, ¥300.00", o(mid, mid, mid), 30000, false},
		{"H and M the same day mid-quarter, no R: ¥300.00", o(mid, none, mid), 30000, false},
		{"H and R the same day mid-quarter, M later: ¥300.00", o(mid, mid, next), 30000, false},
		// Oct 16–31 and Nov 1–15 half, Nov 16–Dec 31 full: 20000 × (8/31 + 1/4 + 1/2 + 1) = 40161.29… → 40161
		{"H 16 Oct, M 16 Nov, R after the quarter: full from the move-in, ¥401.61 (was ¥251.61)", o(late, next, mid), 40161, true},
		{"not handed over: nothing", o(none, none, none), 0, false},
		{"handed over after the quarter: nothing", o(next, none, none), 0, false},
	}
	q4 := period("2026-Q4")
	for _, c := range cases {
		b := ManagementFee(price, c.o, q4)
		if b.AmountFen != c.want {
			t.Errorf("%s: %d fen, want %d", c.name, b.AmountFen, c.want)
		}
		if b.FreeDays+b.HalfDays+b.FullDays != q4.Days() {
			t.Errorf("%s: the days do not add up: %+v", c.name, b)
		}
		// The rule as it was: the renovation date alone decided once there was one.
		if old := oldRule(price, c.o, q4); (old != c.want) != c.wasHalf {
			t.Errorf("%s: the rule before the fix gave %d fen (want a difference: %v)", c.name, old, c.wasHalf)
		}
	}
}

// oldRule is the management fee as it was before issue #18, to show which
// of the cases above the fix changes: with a renovation date, that date
// alone ended half price, however long the unit had been lived in.
func oldRule(price int64, o Occupancy, p Period) int64 {
	if !o.Renovated.IsZero() && !o.MovedIn.IsZero() && o.MovedIn.Before(o.Renovated) {
		o.MovedIn = time.Time{}
	}
	return ManagementFee(price, o, p).AmountFen
}

// TestStartPolicy: a community bills from the handover date ([000] 收费员
// 4.2.1.1, 从业主收房之日起计收管理费) or, if its director so chooses, from
// the date on the move-in notice ([004] 四 2 4.5, 物业管理服务费：以入伙通知书上
// 注明之日起计算管理费); the same unit, 100 m² at 2 元, Q4 2026, under each.
func TestStartPolicy(t *testing.T) {
	const price, area = 200, 10000
	q4 := period("2026-Q4")
	cases := []struct {
		name               string
		o                  Occupancy
		handover, fromNote int64
	}{
		// Notice for 16 Oct, keys collected 16 Nov: from the notice, Oct 16–31 half
		// (20000 × 16/31 / 2 = 5161.29…) and Nov, Dec half (20000): 25161.
		{"notice before the handover", Occupancy{AreaCentiM2: area, HandedOver: d("2026-11-16"), Notice: d("2026-10-16")}, 15000, 25161},
		{"notice after the handover", Occupancy{AreaCentiM2: area, HandedOver: d("2026-10-16"), Notice: d("2026-11-16")}, 25161, 15000},
		{"no notice date on record: the handover date", Occupancy{AreaCentiM2: area, HandedOver: d("2026-11-16")}, 15000, 15000},
		{"a notice, keys not yet collected: nothing, or from the notice", Occupancy{AreaCentiM2: area, Notice: d("2026-11-16")}, 0, 15000},
		// Moved in on 1 Nov, full from then; before it half, from the notice (Oct 16–31:
		// 5161.29…) or from the handover (Oct 20–31: 20000 × 12/31 / 2 = 3870.97…).
		{"notice, then a move-in: full from the move-in", Occupancy{AreaCentiM2: area, HandedOver: d("2026-10-20"), Notice: d("2026-10-16"), MovedIn: d("2026-11-01")}, 43871, 45161},
	}
	for _, c := range cases {
		for policy, want := range map[StartPolicy]int64{FromHandover: c.handover, FromNotice: c.fromNote, "": c.handover} {
			o := c.o
			o.Policy = policy
			if got := ManagementFee(price, o, q4).AmountFen; got != want {
				t.Errorf("%s, policy %q: %d fen, want %d", c.name, policy, got, want)
			}
		}
	}
	for stored, want := range map[string]StartPolicy{"": FromHandover, "handover": FromHandover, "notice": FromNotice, "Notice": FromHandover} {
		if got := Policy(stored); got != want {
			t.Errorf("Policy(%q) = %q, want %q", stored, got, want)
		}
	}
}

// TestRoundingOnce: 100.01 m² at 2.35 元 is 23502.35 fen a month; the
// quarter is 70507.05 → 70507, not 3 × 23502 = 70506 from rounding monthly.
func TestRoundingOnce(t *testing.T) {
	o := Occupancy{AreaCentiM2: 10001, HandedOver: d("2024-01-01"), Renovated: d("2024-01-01")}
	if got := ManagementFee(235, o, period("2026-Q1")).AmountFen; got != 70507 {
		t.Fatalf("%d, want 70507", got)
	}
}

func TestDaysAddUp(t *testing.T) {
	b := ManagementFee(235, Occupancy{AreaCentiM2: 8937, HandedOver: d("2026-02-10"), Renovated: d("2026-03-05")}, period("2026-Q1"))
	if b.FreeDays != 40 || b.HalfDays != 23 || b.FullDays != 27 {
		t.Fatalf("free %d half %d full %d", b.FreeDays, b.HalfDays, b.FullDays)
	}
}

func TestMonthlyFee(t *testing.T) {
	if got := MonthlyFee(30000, time.Time{}, period("2026-Q1")); got != 90000 {
		t.Errorf("a parking space for a quarter: %d", got)
	}
	// from 16 January: 16/31 of a month plus two months = 300 × (16/31 + 2) = 754.84 元
	if got := MonthlyFee(30000, d("2026-01-16"), period("2026-Q1")); got != 75484 {
		t.Errorf("from mid-January: %d", got)
	}
}

func TestRound(t *testing.T) {
	for _, c := range []struct {
		num, den int64
		want     int64
	}{{5, 2, 3}, {-5, 2, -3}, {7, 3, 2}, {8, 3, 3}, {1, 2, 1}, {0, 1, 0}, {2100195, 100, 21002}} {
		if got := Round(big.NewRat(c.num, c.den)); got != c.want {
			t.Errorf("Round(%d/%d) = %d, want %d", c.num, c.den, got, c.want)
		}
	}
}

// FuzzProration: for any dates and either start policy, the days add up, a
// quarter's exact fee is the sum of its months' exact fees, the fee lies
// between nothing and the full price for the whole period, and each day's
// rate is the manual's ([000] 收费员 4.2.1.1): nothing before the start,
// full once renovated or lived in, half otherwise.
func FuzzProration(f *testing.F) {
	f.Add(int64(235), int64(8937), 10, 40, 60, 0, 2026, 1)
	f.Add(int64(1), int64(1), 0, 0, 0, 0, 2024, 4)
	f.Add(int64(200), int64(10000), 1, 96, 30, 20, 2026, 4)
	f.Fuzz(func(t *testing.T, price, area int64, handover, renovate, movein, notice int, year, quarter int) {
		if price < 0 || price > 100000 || area < 0 || area > 10_000_000 || year < 2000 || year > 2100 {
			return
		}
		q := (quarter%4+4)%4 + 1
		p := period(time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") + "-Q" + string(rune('0'+q)))
		at := func(n int) time.Time {
			if n <= 0 {
				return time.Time{}
			}
			return p.First.AddDate(0, 0, n%200-50)
		}
		o := Occupancy{AreaCentiM2: area, HandedOver: at(handover), Renovated: at(renovate), MovedIn: at(movein), Notice: at(notice)}
		if notice%2 != 0 {
			o.Policy = FromNotice
		}
		b := ManagementFee(price, o, p)
		if b.FreeDays+b.HalfDays+b.FullDays != p.Days() {
			t.Fatalf("days do not add up: %+v over %d", b, p.Days())
		}
		sum := new(big.Rat)
		for m := 0; m < 3; m++ {
			month := p.First.AddDate(0, m, 0)
			sum.Add(sum, ManagementFee(price, o, period(month.Format("2006-01"))).Exact)
		}
		if sum.Cmp(b.Exact) != 0 {
			t.Fatalf("the months (%s) do not add up to the quarter (%s)", sum.FloatString(4), b.Exact.FloatString(4))
		}
		full := Round(new(big.Rat).SetFrac64(3*price*area, 100))
		if b.AmountFen < 0 || b.AmountFen > full {
			t.Fatalf("%d outside 0..%d", b.AmountFen, full)
		}
		start := o.HandedOver
		if o.Policy == FromNotice && !o.Notice.IsZero() {
			start = o.Notice
		}
		for day := p.First; !day.After(p.Last); day = day.AddDate(0, 0, 1) {
			lived := (!o.Renovated.IsZero() && !day.Before(o.Renovated)) || (!o.MovedIn.IsZero() && !day.Before(o.MovedIn))
			want := Half
			switch {
			case start.IsZero() || day.Before(start):
				want = Free
			case lived:
				want = Full
			}
			if got := o.RateOn(day); got != want {
				t.Fatalf("%s: rate %d, want %d for %+v", day.Format(time.DateOnly), got, want, o)
			}
		}
	})
}
