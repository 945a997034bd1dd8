package hooks

import "github.com/pocketbase/pocketbase/core"

// A resident cannot read staff records, yet wants to know who is coming:
// their own orders carry the technician's name (only the name, never the
// phone or anything else of the staff record) as technician_name.
func registerDispatchEnrich(app core.App) {
	app.OnRecordEnrich("work_orders").BindFunc(func(e *core.RecordEnrichEvent) error {
		info := e.RequestInfo
		if info == nil || !isResident(info.Auth) || e.Record.GetString("technician") == "" {
			return e.Next()
		}
		if tech, err := e.App.FindRecordById("staff", e.Record.GetString("technician")); err == nil {
			e.Record.WithCustomData(true)
			e.Record.Set("technician_name", tech.GetString("name"))
		}
		return e.Next()
	})
}
