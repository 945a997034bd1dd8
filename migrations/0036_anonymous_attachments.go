package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(func(app core.App) error { return NeutralizeAnonymousAttachments(app) }, nil, "0036_anonymous_attachments.go")
}

// The attachments of an anonymous complaint are kept under neutral names
// (issue #16 item 11; hooks/complaints_anonymity_files.go names new
// uploads): PocketBase stores a file as "<the uploader's file name>_<random>
// .<ext>", and "zhang_wei_1_101_noise.jpg" says who complained as plainly as
// the contact fields the staff are not shown. This migration renames the
// files anonymous complaints already had: each is copied to a neutral name,
// the complaint's field is rewritten in SQL (complaints are never saved
// by migrations: their hooks guard every change), the old file and its
// thumbnails are deleted, and an event records the rename
// (NeutralizeAnonymousAttachments, anonymous_attachments.go). There is no
// down migration: the original names are what it exists to forget.
