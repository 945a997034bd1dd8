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
		{"a full month at full price: 21001.95 → 21002", Occupancy{area, d("2024-01-01"), d("2024-02-01"), d("2024-03-01")}, "2026-01", 21002},
		{"a full quarter: 3 × 21001.95 = 63005.85 → 63006", Occupancy{area, d("2024-01-01"), d("2024-02-01"), time.Time{}}, "2026-Q1", 63006},
		{"handed over, not yet renovated: half, 10500.975 → 10501", Occupancy{area, d("2025-06-01"), time.Time{}, time.Time{}}, "2026-01", 10501},
		// Jan half, Feb 1–15 half and 16–28 full, Mar full:
		// 21001.95 × (1/2 + (15/2 + 13)/28 + 1) = 21001.95 × 62.5/28 = 46879.35… → 46879
		{"renovation registered mid-quarter", Occupancy{area, d("2025-06-01"), d("2026-02-16"), time.Time{}}, "2026-Q1", 46879},
		// Jan nothing; Feb 10–28 half; Mar half: 21001.95 × (9.5/28 + 1/2) = 17626.64… → 17627
		{"handed over mid-quarter", Occupancy{area, d("2026-02-10"), time.Time{}, time.Time{}}, "2026-Q1", 17627},
		// Jan, Feb half; Mar 1–19 half, 20–31 full: 21001.95 × (1 + 21.5/31) = 21001.95 + 14565.87 = 35567.82… → 35568
		{"moved in without renovation", Occupancy{area, d("2025-06-01"), time.Time{}, d("2026-03-20")}, "2026-Q1", 35568},
		// the renovation date decides even when the move-in came earlier: all half, 1.5 × 21001.95 = 31502.93 → 31503
		{"renovation date wins over move-in", Occupancy{area, d("2025-06-01"), d("2026-04-01"), d("2026-01-15")}, "2026-Q1", 31503},
		{"not handed over: nothing", Occupancy{area, time.Time{}, time.Time{}, time.Time{}}, "2026-Q1", 0},
		{"handed over after the period: nothing", Occupancy{area, d("2026-04-01"), time.Time{}, time.Time{}}, "2026-Q1", 0},
		// 29 days in February 2024: handed over on the 15th, half: 21001.95 × 15/29 / 2 = 5431.54… → 5432
		{"a leap February", Occupancy{area, d("2024-02-15"), time.Time{}, time.Time{}}, "2024-02", 5432},
	}
	for _, c := range cases {
		if got := ManagementFee(price, c.o, period(c.period)).AmountFen; got != c.want {
			t.Errorf("%s: %d fen, want %d", c.name, got, c.want)
		}
	}
}

// TestRoundingOnce: 100.01 m² at 2.35 元 is 23502.35 fen a month; the
// quarter is 70507.05 → 70507, not 3 × 23502 = 70506 from rounding monthly.
func TestRoundingOnce(t *testing.T) {
	o := Occupancy{10001, d("2024-01-01"), d("2024-01-01"), time.Time{}}
	if got := ManagementFee(235, o, period("2026-Q1")).AmountFen; got != 70507 {
		t.Fatalf("%d, want 70507", got)
	}
}

func TestDaysAddUp(t *testing.T) {
	b := ManagementFee(235, Occupancy{8937, d("2026-02-10"), d("2026-03-05"), time.Time{}}, period("2026-Q1"))
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

// FuzzProration: for any dates, the days add up, a quarter's exact fee is
// the sum of its months' exact fees, and the fee lies between nothing and
// the full price for the whole period.
func FuzzProration(f *testing.F) {
	f.Add(int64(235), int64(8937), 10, 40, 60, 2026, 1)
	f.Add(int64(1), int64(1), 0, 0, 0, 2024, 4)
	f.Fuzz(func(t *testing.T, price, area int64, handover, renovate, movein int, year, quarter int) {
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
		o := Occupancy{area, at(handover), at(renovate), at(movein)}
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
	})
}
