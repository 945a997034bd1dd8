package hooks

import (
	"net/http"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// splitRoles may take a complaint out of a wrong hot group: the community's
// supervisor and director, to whom a hot group is reported ([001] 中汇广场 七; [000] 助理 4.6.3).
var splitRoles = []string{RoleSupervisor, RoleDirector}

func registerHotSplit(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.POST("/api/wuye/complaints/{id}/hot-split", splitHot).Bind(apis.RequireAuth("staff"))
		return se.Next()
	})
}

// splitHot answers POST /api/wuye/complaints/{id}/hot-split {"reason": …}:
// a supervisor or the director takes the complaint out of its hot group,
// because it is about something else. It leaves the group for good
// (hot_split keeps it out of detection) and is graded general again if it
// was graded hot only by the grouping; a group left with fewer members than
// the community's threshold is no longer hot and dissolves the same way,
// and a group whose lead left is led by its earliest remaining member.
// Every change is an event; nothing is deleted.
func splitHot(e *core.RequestEvent) error {
	var body struct {
		Reason string `json:"reason"`
	}
	if err := e.BindBody(&body); err != nil {
		return badRequest(validation.Errors{"reason": codedError("validation_required")})
	}
	body.Reason = strings.TrimSpace(body.Reason)
	var out *core.Record
	err := e.App.RunInTransaction(func(tx core.App) error {
		c, err := tx.FindRecordById("complaints", e.Request.PathValue("id"))
		if err == nil {
			var ok bool
			if ok, err = tx.CanAccessRecord(c, mustInfo(e), c.Collection().ViewRule); !ok && err == nil {
				err = apis.NewNotFoundError("", nil)
			}
		}
		if err != nil {
			return apis.NewNotFoundError("", nil)
		}
		if !hasRole(e.Auth, splitRoles...) {
			return apis.NewForbiddenError("", validation.Errors{"role": codedError("wuye_split_managers")})
		}
		group := c.GetString("hot_group")
		if group == "" {
			return badRequest(validation.Errors{"hot_group": codedError("wuye_not_in_hot_group")})
		}
		if body.Reason == "" {
			return badRequest(validation.Errors{"reason": codedError("validation_required")})
		}
		if len([]rune(body.Reason)) > 500 {
			return badRequest(validation.Errors{"reason": codedError("validation_max_text_constraint", 500)})
		}
		if err := leaveHot(tx, c, true, e.Auth, "拆分出热点组："+body.Reason); err != nil {
			return err
		}
		var rest []*core.Record
		if rest, err = tx.FindRecordsByFilter("complaints", "hot_group = {:g}", "received_at", 0, 0, dbx.Params{"g": group}); err != nil {
			return err
		}
		if len(rest) < hotThreshold(tx, c.GetString("community")) {
			for _, m := range rest {
				if err := leaveHot(tx, m, false, e.Auth, "热点组拆分后不足阈值，不再是热点"); err != nil {
					return err
				}
			}
		} else if group == c.Id {
			for _, m := range rest {
				m.Set("hot_group", rest[0].Id)
				if err := tx.Save(m); err != nil {
					return err
				}
			}
		}
		out, err = tx.FindRecordById("complaints", c.Id)
		return err
	})
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"id": out.Id, "hot_group": out.GetString("hot_group"), "hot_split": out.GetBool("hot_split"), "level": out.GetString("level")})
}

// leaveHot takes complaint c out of its hot group (split: for good) and
// records it.
func leaveHot(tx core.App, c *core.Record, split bool, auth *core.Record, note string) error {
	group := c.GetString("hot_group")
	c.Set("hot_group", "")
	c.Set("hot_reason", nil)
	if split {
		c.Set("hot_split", true)
	}
	from := c.GetString("level")
	if from == "hot" {
		c.Set("level", "general")
	}
	if err := tx.Save(c); err != nil {
		return err
	}
	action := "hot_left"
	if split {
		action = "hot_split"
	}
	return RecordEvent(tx, Event{Subject: c, Action: action, From: from, To: c.GetString("level"), Actor: auth, Note: note + "（原热点组 " + group + "）"})
}
