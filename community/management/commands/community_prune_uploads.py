"""Remove chunked uploads that expired, with their files (community.uploads), for a cron job.

Each new upload already removes up to `uploads.PRUNE_BATCH` expired ones; this removes
them all, and the files of the upload folder that no upload names (a process that died
between writing a first chunk and saving its upload leaves one).
"""

from django.core.management.base import BaseCommand

from community import uploads


class Command(BaseCommand):
    help = (
        "Remove the chunked uploads that received no chunk for COMMUNITY_UPLOAD_EXPIRY_SECONDS, "
        "with their files, and the files of COMMUNITY_UPLOAD_DIR that no upload names."
    )

    def handle(self, *args, **options):
        uploads_removed = 0
        while pruned := uploads.upload_prune(limit=uploads.PRUNE_BATCH):
            uploads_removed += pruned
        orphans = uploads.orphan_files_prune()
        self.stdout.write(
            f"Removed {uploads_removed} expired upload(s) and {orphans} orphaned file(s)."
        )
