package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(staffProfilesUp, staffProfilesDown, "0031_staff_profiles.go")
}

// Who edits a staff account (issue #16, item 7: a technician gave himself
// every trade and claimed a carpentry order from the pool; the front desk
// renamed herself "管理处主任"). Name, role, communities and the active flag
// are the director's; skills (the trades that open pool orders, hooks/dispatch_claim.go) the
// director's and the supervisor's — so a supervisor now passes the update
// rule for the staff of their communities, and hooks/staff_profiles.go lets
// them change skills only. A member of staff still updates their own
// account (phone, password with the old one).
var (
	staffUpdateBefore = or(`id = @request.auth.id`, and(isDirector, `@request.auth.communities.id ?= communities.id`))
	staffUpdate       = or(`id = @request.auth.id`, and(registryWriter, `@request.auth.communities.id ?= communities.id`))
)

func staffProfilesUp(app core.App) error   { return setStaffUpdate(app, staffUpdate) }
func staffProfilesDown(app core.App) error { return setStaffUpdate(app, staffUpdateBefore) }

func setStaffUpdate(app core.App, update string) error {
	return changeCollection(app, "staff", "staff rules", func(staff *core.Collection) error {
		staff.UpdateRule = rule(update)
		return nil
	})
}
