// Package fee is the arithmetic of property fees: billing periods and the
// management-fee rule with its start date, its half price for a unit
// neither renovated nor lived in ([000] 收费员 4.2.1.1, [004] 四 2 4.5) and
// day-by-day proration (docs/DESIGN.md, Fees). Amounts are integer fen; intermediate sums are
// exact fractions and are rounded to the fen once, at the end, half away
// from zero.
package fee

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"time"
)

// Period is a billing period, a month ("2026-01") or a quarter ("2026-Q1"),
// with its first and last civil days (UTC midnight, inclusive).
type Period struct {
	Code        string
	First, Last time.Time
}

var (
	monthCode   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	quarterCode = regexp.MustCompile(`^(\d{4})-Q([1-4])$`)
)

// ParsePeriod reads a period code.
func ParsePeriod(code string) (Period, error) {
	var first time.Time
	months := 1
	if m := monthCode.FindStringSubmatch(code); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if mo < 1 || mo > 12 {
			return Period{}, fmt.Errorf("fee: %q has no month %d", code, mo)
		}
		first = time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC)
	} else if m := quarterCode.FindStringSubmatch(code); m != nil {
		y, _ := strconv.Atoi(m[1])
		q, _ := strconv.Atoi(m[2])
		first = time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC)
		months = 3
	} else {
		return Period{}, fmt.Errorf("fee: %q is not a period like 2026-01 or 2026-Q1", code)
	}
	return Period{Code: code, First: first, Last: first.AddDate(0, months, -1)}, nil
}

// Days is the number of days in p.
func (p Period) Days() int { return int(p.Last.Sub(p.First).Hours()/24) + 1 }

// Occupancy is what the management-fee rule needs to know of a unit; a
// zero date means the event has not happened.
type Occupancy struct {
	AreaCentiM2 int64       // gross area in 0.01 m² (89.37 m² = 8937)
	HandedOver  time.Time   // 收房日期: the fee starts on this day (under FromHandover)
	Renovated   time.Time   // 装修登记日期: full price from this day
	MovedIn     time.Time   // 入住日期: full price from this day
	Notice      time.Time   // the date on the 入伙通知书: the fee starts on this day under FromNotice
	Policy      StartPolicy // the community's choice of start date; zero: FromHandover
}

// StartPolicy is a community's choice of the day its management fee starts
// (the director's, per community): the handover date ([000] 收费员 4.2.1.1,
// 从业主收房之日起计收管理费) or the date written on the move-in notice
// ([004] 四 2 4.5, 以入伙通知书上注明之日起计算管理费).
type StartPolicy string

const (
	FromHandover StartPolicy = "handover"
	FromNotice   StartPolicy = "notice"
)

// Policy reads a community's stored choice; anything but "notice" (an
// empty field included) is the default, the handover date.
func Policy(stored string) StartPolicy {
	if StartPolicy(stored) == FromNotice {
		return FromNotice
	}
	return FromHandover
}

// Start is the day the management fee starts: the handover date or, in a
// community that bills from the move-in notice, the notice's date. A unit
// with no notice date on record starts on its handover date under either
// policy. Zero: the fee has not started.
func (o Occupancy) Start() time.Time {
	if o.Policy == FromNotice && !o.Notice.IsZero() {
		return o.Notice
	}
	return o.HandedOver
}

// Rate is the share of the full price due on a day.
type Rate int

const (
	Free Rate = iota // before the fee starts
	Half             // started, the unit neither renovated nor lived in
	Full
)

// RateOn is the management-fee rate of the unit on day ([000] 收费员
// 4.2.1.1: 从业主收房之日起计收管理费, 装修办理前按半价收取, 装修办理之日始或
// 未装修已入住的按全价计收): nothing before the fee starts; full from the
// renovation registration date or the move-in date, whichever comes first —
// half price is for a unit not yet lived in, so a unit renovated after its
// owners moved in has paid full price since the move-in; half in between.
func (o Occupancy) RateOn(day time.Time) Rate {
	start := o.Start()
	switch {
	case start.IsZero() || day.Before(start):
		return Free
	case reached(o.Renovated, day) || reached(o.MovedIn, day):
		return Full
	}
	return Half
}

// reached: the event at date has happened by day.
func reached(date, day time.Time) bool { return !date.IsZero() && !day.Before(date) }

// Breakdown is a computed fee and how it came about.
type Breakdown struct {
	AmountFen                    int64
	Exact                        *big.Rat // before rounding, in fen
	FreeDays, HalfDays, FullDays int
}

// ManagementFee is the management fee of a unit over p at priceFen per m²
// per month (e.g. 235 for 2.35 元/m²). Each month of p costs price × area at
// full rate; each of its days is 1/(days in that month) of it, at the day's
// rate; the exact sum is rounded to the fen once:
//
//	2.35 元/m² × 89.37 m², one full month: 235 × 89.37 = 21001.95 fen → 210.02 元
func ManagementFee(priceFen int64, o Occupancy, p Period) Breakdown {
	// price × area in exact integers: no int64 product to overflow.
	monthly := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(priceFen), big.NewInt(o.AreaCentiM2)), big.NewInt(100))
	b := Breakdown{Exact: new(big.Rat)}
	half := big.NewRat(1, 2)
	for day := p.First; !day.After(p.Last); day = day.AddDate(0, 0, 1) {
		share := big.NewRat(1, int64(daysInMonth(day)))
		switch o.RateOn(day) {
		case Free:
			b.FreeDays++
			continue
		case Half:
			b.HalfDays++
			share.Mul(share, half)
		case Full:
			b.FullDays++
		}
		b.Exact.Add(b.Exact, share)
	}
	b.Exact.Mul(b.Exact, monthly)
	b.AmountFen = Round(b.Exact)
	return b
}

// MonthlyFee is a flat monthly price (parking space, fixed service) over
// p, pro-rated by day from the day it starts to apply (zero: all of p),
// rounded once.
func MonthlyFee(priceFen int64, from time.Time, p Period) int64 {
	exact := new(big.Rat)
	for day := p.First; !day.After(p.Last); day = day.AddDate(0, 0, 1) {
		if !from.IsZero() && day.Before(from) {
			continue
		}
		exact.Add(exact, big.NewRat(1, int64(daysInMonth(day))))
	}
	return Round(exact.Mul(exact, new(big.Rat).SetInt64(priceFen)))
}

// Round rounds an exact amount of fen to a whole fen, half away from zero.
// An amount beyond int64 saturates at its largest (or smallest) value,
// which every bound on an amount then refuses, rather than wrapping round
// to a small or negative one.
func Round(r *big.Rat) int64 {
	num, den := new(big.Int).Set(r.Num()), r.Denom()
	neg := num.Sign() < 0
	num.Abs(num)
	// (2·num + den) / (2·den), truncated: adds one half before dropping
	// the fraction.
	num.Mul(num, big.NewInt(2)).Add(num, den)
	q := new(big.Int).Quo(num, new(big.Int).Mul(den, big.NewInt(2)))
	if neg {
		q.Neg(q)
	}
	switch {
	case !q.IsInt64() && neg:
		return math.MinInt64
	case !q.IsInt64():
		return math.MaxInt64
	}
	return q.Int64()
}

func daysInMonth(day time.Time) int {
	return time.Date(day.Year(), day.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
