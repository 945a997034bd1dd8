package migrations

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(feeStartUp, feeStartDown, "0040_fee_start.go")
}

// feeStartUp adds the community's choice of the day its management fee
// starts — the handover date ([000] 收费员 4.2.1.1, 从业主收房之日起计收管理费)
// or the date written on the move-in notice ([004] 四 2 4.5, 以入伙通知书上注明
// 之日起计算管理费) — and the unit's notice date (入伙通知书日期). Existing
// communities keep billing from the handover date. Only the community's
// director changes the choice (hooks/fees_start.go); the registry's writers
// record a unit's notice date like its other dates.
func feeStartUp(app core.App) error {
	if err := changeCollection(app, "communities", "communities.fee_start", func(c *core.Collection) error {
		if c.Fields.GetByName("fee_start") == nil {
			c.Fields.Add(choice("fee_start", false, FeeStarts...))
		}
		return nil
	}); err != nil {
		return err
	}
	if _, err := app.DB().Update("communities", dbx.Params{"fee_start": "handover"}, dbx.HashExp{"fee_start": ""}).Execute(); err != nil {
		return err
	}
	return changeCollection(app, "units", "units.notice_on", func(c *core.Collection) error {
		if c.Fields.GetByName("notice_on") == nil {
			c.Fields.Add(date("notice_on", false))
		}
		return nil
	})
}

func feeStartDown(app core.App) error {
	if err := changeCollection(app, "units", "", func(c *core.Collection) error {
		c.Fields.RemoveByName("notice_on")
		return nil
	}); err != nil {
		return err
	}
	return changeCollection(app, "communities", "", func(c *core.Collection) error {
		c.Fields.RemoveByName("fee_start")
		return nil
	})
}
