package main

// The peak-day model of the capacity section (issue #23): how many actions
// 1,000 households and the staff who serve them make in the busiest hour of
// the year's busiest kind of day — 09:00–10:00 on the first morning of a
// quarter's fee-collection window that falls on a Monday, when the week's
// repairs pile in as well. Every rate is derived from the parameters below;
// each parameter names its source in the manuals or says it is an
// assumption. BENCHMARKS.md ("Capacity of one instance") prints the same
// table; capacityModelTable renders it from this code.

import (
	"fmt"
	"math"
)

// peakParams are the model's inputs.
type peakParams struct {
	PaidInQuarter   float64 // share of households that pay the quarter's fees at all
	PaidInWindow    float64 // of those, share that pay inside the collection window
	WindowDayOne    float64 // of the window's payments, share made on its first day
	PeakHourShare   float64 // share of a day's resident activity in 09:00–10:00
	OnlineShare     float64 // of payments, share made online (the rest at the counter)
	PortalOpeners   float64 // share of households that open the portal on day one
	BillsViewers    float64 // of portal sessions, share that open the bills and payments pages
	SessionMinutes  float64 // a portal session's length, realtime connection open
	RepairsPerYear  float64 // repairs per household per year
	ComplaintsYear  float64 // complaints per household per year
	MondayFactor    float64 // a Monday's filings over an average day's
	RepairPeakShare float64 // share of a Monday's filings in 09:00–10:00
	DeskShare       float64 // of repairs and complaints, share taken by the desk on the phone
	FeeCallsPerHour float64 // fee questions phoned to the desk per 1,000 households in the peak hour

	CommunitySize   int     // households per community
	TechsPerCommune int     // technicians of one community
	BoardEverySec   float64 // the desk's dispatch board re-reads this often (and on each message)
	FieldEverySec   float64 // a technician's field app re-reads queue and pool this often
	DashboardSec    float64 // the supervisor's dashboard re-reads its statistics this often
	CashCloseSec    float64 // the cashier looks at the day's cash close this often
}

// peakDay is the model of record.
var peakDay = peakParams{
	PaidInQuarter:   0.95, // [000] 管理员 4.1.5, 收费员 4.8: collection rate of management fees ≥ 95 %
	PaidInWindow:    0.70, // assumption: the window is days 1–10 of the quarter's first month ([000] 收费员 4.2.1.6); reminders follow ([000] 收费员 4.2.1.8–4.2.1.10)
	WindowDayOne:    0.25, // assumption: the first day, with the bill notice fresh, takes a quarter of the window
	PeakHourShare:   0.20, // assumption: 09:00–10:00 holds a fifth of the day's resident activity
	OnlineShare:     0.70, // assumption: residents pay in the portal rather than at the counter ([000] 收费员 4.2.1.6 names the counter only)
	PortalOpeners:   0.35, // assumption: the bill notice brings 35 % of households to the portal on day one
	BillsViewers:    0.80, // assumption
	SessionMinutes:  3,    // assumption
	RepairsPerYear:  1.2,  // assumption: the manuals set deadlines ([003] 2.4.3, [004] 三 7.1), not volumes
	ComplaintsYear:  0.25, // assumption: [000] 前台 4.1.3.2 counts complaints monthly, no volume
	MondayFactor:    2.5,  // assumption: the weekend's repairs are reported on Monday
	RepairPeakShare: 0.25, // assumption
	DeskShare:       0.40, // assumption: the desk takes calls and visits and fills the 派工单 ([000] 前台 4.10.1)
	FeeCallsPerHour: 5,    // assumption: questions about the new bills phoned to the desk ([000] 前台 4.6 sends fee matters to the cashier)

	CommunitySize:   2000, // assumption: a 小区 of 2,000 households, one front desk, one cashier counter, one supervisor ([000] 助理, 前台, 收费员)
	TechsPerCommune: 8,    // assumption: one technician per 250 households
	BoardEverySec:   60,   // the dispatch board (desk.js) re-reads on every message; at least once a minute when busy
	FieldEverySec:   120,  // the field app (field.js) re-reads on messages; a technician pulls to refresh every two minutes
	DashboardSec:    300,  // the supervisor glances at the dashboard every five minutes
	CashCloseSec:    600,  // the cashier checks the day's takings every ten minutes
}

// peakActor is one kind of action with its rate per 1,000 households in the
// peak hour and the requests it makes.
type peakActor struct {
	Kind    string
	PerHour float64 // per 1,000 households
	Reqs    string  // what it sends, for the table
	Why     string  // how the rate follows from the parameters
}

// actors derives the table of actor kinds from p.
func (p peakParams) actors() []peakActor {
	h := 1000.0
	payments := h * p.PaidInQuarter * p.PaidInWindow * p.WindowDayOne * p.PeakHourShare
	sessions := h * p.PortalOpeners * p.PeakHourShare
	repairs := h * p.RepairsPerYear / 365 * p.MondayFactor * p.RepairPeakShare
	complaints := h * p.ComplaintsYear / 365 * p.MondayFactor * p.RepairPeakShare
	communities := h / float64(p.CommunitySize)
	techs := communities * float64(p.TechsPerCommune)
	return []peakActor{
		{"resident.home", sessions, "6 lists (complaints, repairs, renovations, bills due, notices, bell) + realtime for the session",
			fmt.Sprintf("%.0f %% of households open the portal on day one × %.0f %% in the peak hour", 100*p.PortalOpeners, 100*p.PeakHourShare)},
		{"resident.bills", sessions * p.BillsViewers, "bills of the unit (with fee items) + payments of the unit",
			fmt.Sprintf("%.0f %% of sessions", 100*p.BillsViewers)},
		{"resident.pay_online", payments * p.OnlineShare, "start the order (POST /api/wuye/pay/wechat) + the provider's signed callback",
			fmt.Sprintf("%.0f %% pay in the quarter × %.0f %% in the window × %.0f %% on day one × %.0f %% in the hour × %.0f %% online",
				100*p.PaidInQuarter, 100*p.PaidInWindow, 100*p.WindowDayOne, 100*p.PeakHourShare, 100*p.OnlineShare)},
		{"cashier.payment", payments * (1 - p.OnlineShare), "unit's residents, open bills, payments + POST payments",
			"the same payers, at the counter"},
		{"resident.file_repair", repairs * (1 - p.DeskShare), "POST work_orders",
			fmt.Sprintf("%.1f repairs a household a year ÷ 365 × %.1f on a Monday × %.0f %% in the hour × %.0f %% in the portal",
				p.RepairsPerYear, p.MondayFactor, 100*p.RepairPeakShare, 100*(1-p.DeskShare))},
		{"resident.file_complaint", complaints * (1 - p.DeskShare), "POST complaints",
			fmt.Sprintf("%.2f complaints a household a year, the same Monday surge", p.ComplaintsYear)},
		{"desk.intake", repairs*p.DeskShare + complaints*p.DeskShare + p.FeeCallsPerHour, "find the unit + 5 lists of the intake screen; files the repairs and complaints phoned in",
			fmt.Sprintf("the desk's share (%.0f %%) of filings + %.0f fee questions", 100*p.DeskShare, p.FeeCallsPerHour)},
		{"desk.board", communities * 3600 / p.BoardEverySec, "the dispatch board (its route: the open orders' cards) + dispatch one new order",
			fmt.Sprintf("one desk per %d households, every %.0f s", p.CommunitySize, p.BoardEverySec)},
		{"tech.field", techs * 3600 / p.FieldEverySec, "own queue + the trades' pool; one step of an order (accept, arrive, start, complete)",
			fmt.Sprintf("%d technicians per %d households, every %.0f s", p.TechsPerCommune, p.CommunitySize, p.FieldEverySec)},
		{"supervisor.dashboard", communities * 3600 / p.DashboardSec, "3 statistics (dashboard, complaints, work orders)",
			fmt.Sprintf("one supervisor per community, every %.0f s", p.DashboardSec)},
		{"cashier.cash_close", communities * 3600 / p.CashCloseSec, "GET /api/wuye/cash-close",
			fmt.Sprintf("every %.0f s", p.CashCloseSec)},
	}
}

// realtimePer1000 is how many realtime connections 1,000 households keep
// open in the peak hour: residents in a session, and every staff page.
func (p peakParams) realtimePer1000() (residents, staff float64) {
	sessions := 1000 * p.PortalOpeners * p.PeakHourShare
	communities := 1000 / float64(p.CommunitySize)
	return sessions * p.SessionMinutes / 60, communities * float64(3+p.TechsPerCommune)
}

// capacityModelTable renders the model for the report and BENCHMARKS.md.
func capacityModelTable(p peakParams) ([]string, [][]string) {
	var rows [][]string
	var total float64
	for _, a := range p.actors() {
		rows = append(rows, []string{"`" + a.Kind + "`", fmt.Sprintf("%.2f", a.PerHour), a.Reqs, a.Why})
		total += a.PerHour
	}
	rt, st := p.realtimePer1000()
	rows = append(rows, []string{"**all actions**", fmt.Sprintf("**%.0f**", total), "", ""},
		[]string{"realtime connections open", fmt.Sprintf("%.1f", rt+st), fmt.Sprintf("%.1f residents in a session, %.1f staff pages", rt, st),
			fmt.Sprintf("sessions × %.0f min; desk, cashier, supervisor and %d technicians per community", p.SessionMinutes, p.TechsPerCommune)})
	return []string{"actor kind", "per hour per 1,000 households", "requests", "from"}, rows
}

// perSecond is an actor's rate for n households.
func (a peakActor) perSecond(n int) float64 { return a.PerHour * float64(n) / 1000 / 3600 }

// roundTo rounds n to a whole number of communities (at least one).
func roundTo(n, community int) int {
	return max(community, int(math.Round(float64(n)/float64(community)))*community)
}
