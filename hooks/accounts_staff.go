package hooks

import (
	"slices"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// Who changes what of a staff account (issue #16, item 7). guardStaffWrite
// (hooks/registry.go) keeps role, communities and the active flag with the
// director; here:
//
//   - name: the director only — a name is what residents and colleagues
//     read on every order, complaint and receipt, and "管理处主任" is not a
//     title one gives oneself;
//   - skills: the director or a supervisor of the staff member's community
//     (the update rule, migrations/0031_staff_profiles.go, admits them):
//     skills decide which pool orders a technician may claim (hooks/dispatch_claim.go);
//   - a supervisor editing someone else changes their skills and nothing
//     else.
func init() {
	messages["wuye_staff_name_locked"] = text{"只有管理处主任可以修改员工姓名", "Only a director may change a staff member's name."}
	messages["wuye_staff_skills_locked"] = text{"只有管理处主任或客服主管可以修改员工的工种", "Only a director or a supervisor may change a staff member's skills."}
	messages["wuye_staff_supervisor_skills_only"] = text{"客服主管只能修改员工的工种", "A supervisor may change only a staff member's skills."}
}

func registerStaffProfiles(app core.App) {
	app.OnRecordUpdateRequest("staff").BindFunc(guardStaffProfile)
}

func guardStaffProfile(e *core.RecordRequestEvent) error {
	if e.HasSuperuserAuth() {
		return e.Next()
	}
	changed := changedFields(e.Record.Original(), e.Record)
	director := hasRole(e.Auth, RoleDirector)
	if slices.Contains(changed, "name") && !director {
		return badRequest(validation.Errors{"name": codedError("wuye_staff_name_locked")})
	}
	if slices.Contains(changed, "skills") && !director && !hasRole(e.Auth, RoleSupervisor) {
		return badRequest(validation.Errors{"skills": codedError("wuye_staff_skills_locked")})
	}
	if !director && e.Auth != nil && e.Auth.Id != e.Record.Id {
		for _, f := range changed {
			if f != "skills" && f != "updated" {
				return badRequest(validation.Errors{f: codedError("wuye_staff_supervisor_skills_only")})
			}
		}
	}
	return e.Next()
}
