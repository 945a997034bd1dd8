// Package hooks holds Wuye's behaviour on top of PocketBase: validation,
// workflows, audit events, notifications, deadlines, cron jobs and routes.
// It is one package, laid out like PocketBase's own core: files prefixed by
// the subject they hold, each registering the hooks, routes and jobs whose
// handlers it holds (docs/DESIGN.md describes each domain and its rules).
//
//   - base_*: what every domain uses — transactions (base_tx), the flow
//     engine (base_flow), events and notifications, the clock and calendar,
//     records, roles and masked fields, scheduled jobs, statistics requests,
//     serial numbers, messages and their translation, realtime topics.
//   - guard_*: checks that hold across domains, named for what they guard —
//     request bodies (guard_input), client queries (guard_queries), custom
//     routes (guard_routes), money, text, residents' ids.
//   - registry_*, accounts_*, complaints_*, dispatch_*, fees_* (billing,
//     payments, reminders, deposits, statements, cash close, online pay),
//     renovation_*, vacancy_* (with keys), desk_* (the front desk's
//     shift handovers and incidents; the registers: parcels, lost and found, goods passes, enquiries),
//     movein* (move-in, 入伙), field_* (area managers' visits), notices_* (targeted notices and read receipts), surveys*, activities*, reports_* (dashboard and exports), ops_* (environment,
//     pages, database upkeep): the domains.
//
// Register wires them all, in the order below.
package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/workcal"
)

// Register binds every Wuye hook, route and cron job to app.
func Register(app core.App) {
	// Cron specs read in office time: "0 9 25 * *" is 09:00 on the 25th in
	// Shanghai, as the manuals' dates are.
	app.Cron().SetTimezone(workcal.Shanghai)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.BindFunc(localizeErrors)
		return se.Next()
	})
	registerClock(app) // first: the test clock stamps records before other hooks read them
	registerEvents(app)
	registerVouched(app)
	registerChangedColumns(app)
	registerNotifications(app)
	registerOutbox(app)
	registerWebPush(app)
	registerFanouts(app)
	registerSerials(app)
	registerCalendar(app)
	registerFlowsAPI(app)

	registerRegistry(app)
	registerResidentAccounts(app) // after the registry: its audit hook wraps these
	registerStaffProfiles(app)

	registerComplaints(app)
	registerComplaintStats(app)

	registerDispatch(app)
	registerWorkOrderStats(app)
	registerSLA(app) // after complaints and dispatch: their deadlines need the place filled in

	registerBilling(app)
	registerFeeStart(app)
	registerMeterReadings(app)
	registerMeterReplacements(app)
	registerMeterWalk(app)
	registerRenovationUtilities(app)
	registerPayments(app)
	registerCashClose(app)
	registerServiceStatements(app)
	registerOnlineReconciliations(app)
	registerStatements(app)
	registerCapitals(app)
	registerReminders(app)
	registerReminderNotice(app)
	registerDeposits(app)
	registerOnlinePay(app)
	registerFeeStats(app)

	registerRenovation(app)
	registerRenovationSite(app)
	registerRenovationReports(app)
	registerHotWork(app)
	registerPasses(app)
	registerDepositRefunds(app)
	registerRenovationFees(app)

	registerVacancy(app)
	registerKeys(app)

	registerMoveIns(app)

	registerParcels(app)
	registerLostItems(app)
	registerGoodsPasses(app)
	registerMoveOuts(app)
	registerEnquiries(app)
	registerHandovers(app)
	registerIncidents(app)
	registerVisits(app)
	registerHouseholds(app) // the household file: members, vehicles, transfers, export

	registerNotices(app)
	registerSurveys(app)
	registerActivities(app)
	registerDashboard(app)
	registerKPITargets(app)
	registerExports(app)
	registerImports(app)

	registerQueryGuard(app)
	registerOpsEnv(app)
	registerDBMaintenance(app)
	registerSharedAnswers(app)
	registerWriteGate(app)
	registerRealtimeTopics(app)
	registerMoneyGuard(app)
	registerRouteGuard(app)
	registerAccounts(app)
	registerInputGuard(app) // last: see guard_input.go
}
