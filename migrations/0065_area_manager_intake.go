package migrations

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(areaManagerIntakeUp, areaManagerIntakeDown, "0065_area_manager_intake.go")
}

// areaManagerTakes is the part of the create rules of complaints and work
// orders this migration adds: an area manager takes a complaint or a
// paid-service request in person for a unit or building of their own area
// ([000] 管理员 3.5 对本楼宇住户当面咨询和投诉等事项进行处理; 4.11.1 当面或电话
// 受理业主/住户…的特约服务请求).
var areaManagerTakes = and(isStaff, `@request.auth.role = "area_manager"`,
	or(`unit.building.area.manager = @request.auth.id`, `(unit = "" && building.area.manager = @request.auth.id)`))

func areaManagerIntakeUp(app core.App) error {
	for _, name := range []string{"complaints", "work_orders"} {
		err := changeCollection(app, name, name+" create rule", func(c *core.Collection) error {
			if c.CreateRule == nil {
				return nil
			}
			c.CreateRule = rule(`(` + *c.CreateRule + ` || ` + areaManagerTakes + `)`)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func areaManagerIntakeDown(app core.App) error {
	for _, name := range []string{"complaints", "work_orders"} {
		err := changeCollection(app, name, name+" create rule", func(c *core.Collection) error {
			if c.CreateRule == nil {
				return nil
			}
			s := *c.CreateRule
			if strings.HasPrefix(s, `(`) && strings.HasSuffix(s, ` || `+areaManagerTakes+`)`) {
				c.CreateRule = rule(strings.TrimSuffix(strings.TrimPrefix(s, `(`), ` || `+areaManagerTakes+`)`))
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
