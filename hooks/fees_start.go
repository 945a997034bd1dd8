package hooks

import (
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/fee"
)

// The day a community's management fee starts (docs/DESIGN.md, Fees): the
// handover date ([000] 收费员 4.2.1.1, 从业主收房之日起计收管理费) or the date
// written on the unit's move-in notice ([004] 四 2 4.5, 以入伙通知书上注明之日起
// 计算管理费), as the community's director chooses (communities.fee_start;
// empty is the handover date). Billing reads it once per run
// (fees_billing.go); lib/fee's Occupancy.Start applies it.

func registerFeeStart(app core.App) {
	// A new community bills from the handover date until its director
	// chooses otherwise (migration 0040 set the existing ones so).
	app.OnRecordCreate("communities").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("fee_start") == "" {
			e.Record.Set("fee_start", string(fee.FromHandover))
		}
		return e.Next()
	})
	app.OnRecordUpdateRequest("communities").BindFunc(guardFeeStart)
}

// guardFeeStart lets only a director of the community change its fee start
// policy: the supervisor keeps the community's other settings (the API rule
// lets both write the community). A superuser may set it too.
func guardFeeStart(e *core.RecordRequestEvent) error {
	if e.Record.Original().GetString("fee_start") == e.Record.GetString("fee_start") || e.HasSuperuserAuth() {
		return e.Next()
	}
	if !hasRole(e.Auth, RoleDirector) || !servesCommunity(e.Auth, e.Record.Id) {
		return apis.NewForbiddenError("", validation.Errors{"fee_start": codedError("wuye_fee_start_director")})
	}
	return e.Next()
}

// feeStartOf is the fee start policy of community.
func feeStartOf(app core.App, community string) fee.StartPolicy {
	c, err := app.FindRecordById("communities", community)
	if err != nil {
		return fee.FromHandover
	}
	return fee.Policy(c.GetString("fee_start"))
}
