package hooks

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Two technicians who claim one pool order at the same moment: one gets it
// (inTxChecked lets exactly one through). The other was refused in one of
// two ways, depending on when their request read the order — a 409 "changed
// meanwhile" when it read the order while it was still in the pool, or
// PocketBase's 404 when it read it after, because the order had left the
// pool and with it the claimant's view of it. Either way the loser is told
// plainly, with a 409, that a colleague took the order; nothing is changed.

const takenByColleague = "This order was already taken by a colleague."

const updatePattern = "PATCH /api/collections/{collection}/records/{id}"

func init() {
	topMessages[takenByColleague] = text{"该工单已被同事接单", takenByColleague}
}

func registerClaimConflict(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		// Bound after localizeErrors (hooks.Register), so inside it: the
		// message goes out in the caller's language.
		se.Router.BindFunc(claimLost)
		return se.Next()
	})
}

// claimLost is the router middleware that rewrites a refused claim
// ({"status":"accepted"} on a work order by a technician) into a 409 when
// the order is, as stored now, a pool order of the caller's trade and
// community that another technician holds. It tells the caller no more than
// the pool's realtime topic did (the order left the pool).
func claimLost(e *core.RequestEvent) error {
	err := e.Next()
	if err == nil || e.Request.Pattern != updatePattern || !hasRole(e.Auth, RoleTechnician) {
		return err
	}
	var apiErr *router.ApiError
	if !errors.As(err, &apiErr) || (apiErr.Status != http.StatusNotFound && apiErr.Status != http.StatusConflict) {
		return err
	}
	col, cerr := e.App.FindCachedCollectionByNameOrId(e.Request.PathValue("collection"))
	if cerr != nil || col.Name != "work_orders" {
		return err
	}
	info, ierr := e.RequestInfo()
	if ierr != nil || info.Body["status"] != "accepted" {
		return err
	}
	o, ferr := e.App.FindRecordById(col, e.Request.PathValue("id"))
	if ferr != nil || o.GetString("dispatch_mode") != "pool" || o.GetString("technician") == "" ||
		o.GetString("technician") == e.Auth.Id || !canClaim(e.Auth, o) {
		return err
	}
	return apis.NewApiError(http.StatusConflict, takenByColleague, nil)
}
