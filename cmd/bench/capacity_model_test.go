package main

import (
	"math"
	"testing"
)

// The peak-day model's rates follow from its parameters: the online
// payments of the peak hour are the households that pay in the quarter
// ([000] 管理员 4.1.5: ≥ 95 %) × in the window (days 1–10 of the quarter's
// first month, [000] 收费员 4.2.1.6) × on day one × in the hour × online.
func TestPeakDayRates(t *testing.T) {
	p := peakDay
	rate := map[string]float64{}
	for _, a := range p.actors() {
		rate[a.Kind] = a.PerHour
	}
	payers := 1000 * p.PaidInQuarter * p.PaidInWindow * p.WindowDayOne * p.PeakHourShare
	for kind, want := range map[string]float64{
		"resident.pay_online":  payers * p.OnlineShare,
		"cashier.payment":      payers * (1 - p.OnlineShare),
		"resident.home":        1000 * p.PortalOpeners * p.PeakHourShare,
		"resident.file_repair": 1000 * p.RepairsPerYear / 365 * p.MondayFactor * p.RepairPeakShare * (1 - p.DeskShare),
		"desk.board":           1000 / float64(p.CommunitySize) * 3600 / p.BoardEverySec,
		"tech.field":           1000 / float64(p.CommunitySize) * float64(p.TechsPerCommune) * 3600 / p.FieldEverySec,
	} {
		if math.Abs(rate[kind]-want) > 1e-9 {
			t.Errorf("%s: %.3f an hour per 1,000 households, want %.3f", kind, rate[kind], want)
		}
	}
	// Rates scale with the estate: 10,000 households act ten times as often.
	for _, a := range p.actors() {
		if got, want := a.perSecond(10_000), 10*a.perSecond(1000); math.Abs(got-want) > 1e-12 {
			t.Errorf("%s: %.6f/s at 10,000, want %.6f", a.Kind, got, want)
		}
	}
	// Steps are whole communities.
	for n, want := range map[int]int{0: 2000, 2999: 2000, 3000: 4000, 7000: 8000, 128_000: 128_000} {
		if got := roundTo(n, 2000); got != want {
			t.Errorf("roundTo(%d) = %d, want %d", n, got, want)
		}
	}
}
