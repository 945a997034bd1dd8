package hooks

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"
)

// Staff role codes (docs/DESIGN.md, "Accounts and access").
const (
	RoleFrontDesk   = "front_desk"
	RoleAreaManager = "area_manager"
	RoleTechnician  = "technician"
	RoleEngineer    = "engineer"
	RoleSecurity    = "security"
	RoleCashier     = "cashier"
	RoleSupervisor  = "supervisor"
	RoleDirector    = "director"
	// RoleAdminOffice is the administration office (行政人事部): it takes the
	// complaints about the service center and its staff ([003] 2.2.8).
	RoleAdminOffice = "admin_office"
)

// isStaff reports whether auth is a signed-in staff member.
func isStaff(auth *core.Record) bool {
	return auth != nil && auth.Collection().Name == "staff"
}

// isResident reports whether auth is a signed-in resident.
func isResident(auth *core.Record) bool {
	return auth != nil && auth.Collection().Name == "residents"
}

// staffRole is auth's role, or "" for anyone who is not staff.
func staffRole(auth *core.Record) string {
	if !isStaff(auth) {
		return ""
	}
	return auth.GetString("role")
}

// hasRole reports whether auth is staff with one of roles.
func hasRole(auth *core.Record, roles ...string) bool {
	return slices.Contains(roles, staffRole(auth))
}

// servesCommunity reports whether staff member auth works in community id.
func servesCommunity(auth *core.Record, id string) bool {
	return isStaff(auth) && slices.Contains(auth.GetStringSlice("communities"), id)
}
