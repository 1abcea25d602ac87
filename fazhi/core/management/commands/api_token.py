"""Tokens for other systems: an operator issues one per system, and revokes it when it leaves."""

from django.core.management.base import BaseCommand, CommandError

from fazhi.core.models import ApiToken, User
from fazhi.core.services import issue_token, revoke_token


class Command(BaseCommand):
    help = "接口令牌：issue 签发（令牌只显示一次）、list 列出、revoke 吊销"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="签发令牌")
        issue.add_argument("--user", required=True, help="令牌代表的账号（须有受理权限）")
        issue.add_argument("--name", required=True, help="用途，如“AI网格员”")
        issue.add_argument("--source", default="", help="来源系统标识（幂等键的一部分），默认同用途")
        sub.add_parser("list", help="列出令牌")
        revoke = sub.add_parser("revoke", help="吊销令牌")
        revoke.add_argument("id", type=int, help="令牌编号（见 list）")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "issue":
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"账号不存在：{options['user']}")
            key = issue_token(user=user, name=options["name"], source=options["source"] or None)
            self.stdout.write(key)
            self.stderr.write("令牌只显示这一次，请妥善保存。")
        elif action == "list":
            tokens = ApiToken.objects.select_related("user").order_by("id")
            if not tokens:
                self.stdout.write("尚未签发任何接口令牌。")
            for t in tokens:
                state = "已吊销" if t.revoked else "有效"
                self.stdout.write(f"{t.id}\t{t.user.username}\t{t.name}\t来源={t.source}\t{state}\t{t.created_at:%Y-%m-%d}")
        else:
            if not revoke_token(token_id=options["id"]):
                raise CommandError(f"令牌不存在或已吊销：{options['id']}")
            self.stdout.write(f"已吊销令牌 {options['id']}")
