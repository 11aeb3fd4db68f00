"""Write the renditions the library lacks: after a restore that brought only the images' files,
or when the rendition widths change. Renditions already stored are left as they are."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from images import library
from images.models import Image


class Command(BaseCommand):
    help = "Write every image's missing renditions (widths in WebP and its own format, the Open Graph crop)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("keys", nargs="*", help="Only these images (by key); every image by default.")

    def handle(self, *args, keys: list[str], **options) -> None:
        images = Image.objects.order_by("pk")
        if keys:
            images = images.filter(key__in=keys)
            if unknown := sorted(set(keys) - set(images.values_list("key", flat=True))):
                raise CommandError(f"No image with the key {', '.join(unknown)}.")
        written, missing = 0, []
        for image in images.iterator():
            try:
                written += len(library.write_renditions(image))
            except FileNotFoundError:
                missing.append(image.key)
        self.stdout.write(f"{written} renditions written.")
        if missing:
            raise CommandError(
                f"The stored file of {len(missing)} image(s) is missing, so their renditions could "
                f"not be made: {', '.join(missing)}. Restore the files (images/ in the backup) and "
                "run this again."
            )
