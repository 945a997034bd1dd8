// Package hooks holds Wuye's behaviour on top of PocketBase: validation,
// workflows, audit events, notifications, deadlines, cron jobs and routes.
// One file per domain; Register wires them all.
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
	registerNotifications(app)
	registerSerials(app)
	registerCalendar(app)
	registerRegistry(app)
	registerResidentAccounts(app) // after the registry: its audit hook wraps these
	registerStaffProfiles(app)
	registerComplaints(app)
	registerDispatch(app)
	registerBilling(app)
	registerMeterReadings(app) // hooks/meter_readings.go
	registerPayments(app)
	registerReminders(app)
	registerDeposits(app)
	registerOnlinePay(app)
	registerRenovation(app)
	registerRenovationSite(app)
	registerHotWork(app)
	registerPasses(app)
	registerVacancy(app)
	registerKeys(app)
	registerFlowsAPI(app)
	registerBoard(app)
	registerCapitals(app)
	registerDashboard(app)
	registerSecurityFixes(app)
	registerOps(app)
	registerPerf(app)
	registerRealtimeTopics(app)
	registerMoneyBounds(app)
	registerRouteAccess(app)
	registerAccounts(app)
	registerInputFixes(app) // last: see hooks/input_fixes.go
}
