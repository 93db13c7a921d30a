# ruff: noqa: E501  (prose: one paragraph per line)
"""The demo's terms of use: a realistic text for media professionals, in English and French.

Sign-up asks for the terms and every item links to them, so the demo must publish a version in force.
"""

from __future__ import annotations

import datetime as dt

from newsreel.accounts.models import TermsVersion

VERSION = "2026-01"

TEXT_EN = """These terms apply to every photo, video, audio recording and text you download from this media portal.

1. Editorial use. The material is provided free of charge for news, current affairs, documentary and educational use in any medium. Commercial, advertising, promotional or political campaign use is not permitted.

2. Credit line. Every use must carry the credit line shown with the item (for example "© Alliance Media Centre"), close to the material and legible.

3. Integrity. You may crop, resize, cut and edit the material for length and format, but you may not alter, combine or caption it in a way that distorts its meaning, misrepresents the people shown or the events, or creates a misleading impression.

4. No endorsement. Use of the material does not imply that the Alliance or any person shown endorses you, your publication, your views or any product or service.

5. Embargoes. Material published under embargo may not be used, broadcast, published or shared before the time stated.

6. Third-party rights. Some material includes people, music or works of third parties; where the item says so, clearing those rights is your responsibility.

7. Withdrawal. We may withdraw material (for example for legal or security reasons). Once told, do not use it again; remove it where you reasonably can.

8. Archives. You may keep the material in your archives and reuse it under these terms.

9. Liability. The material is provided as is, without warranty. We are not liable for how it is used.

10. Changes. We may update these terms; you will be asked to accept a new version before your next download."""

TEXT_FR = """Les présentes conditions s'appliquent à chaque photo, vidéo, enregistrement sonore et texte téléchargé sur ce portail média.

1. Usage éditorial. Les contenus sont fournis gratuitement pour un usage d'information, d'actualité, documentaire ou pédagogique, sur tout support. Tout usage commercial, publicitaire, promotionnel ou de campagne politique est interdit.

2. Mention de crédit. Toute utilisation doit porter la mention de crédit indiquée avec le contenu (par exemple « © Alliance Media Centre »), lisible et à proximité du contenu.

3. Intégrité. Vous pouvez recadrer, redimensionner, couper et monter les contenus pour la durée et le format, mais vous ne pouvez pas les modifier, les associer ni les légender d'une manière qui en déforme le sens, donne une image fausse des personnes ou des événements montrés, ou induit en erreur.

4. Absence de caution. L'utilisation des contenus ne signifie pas que l'Alliance ou une personne montrée vous soutient, ni votre publication, vos opinions ou un produit ou service.

5. Embargos. Un contenu publié sous embargo ne peut être utilisé, diffusé, publié ni partagé avant l'heure indiquée.

6. Droits de tiers. Certains contenus montrent des personnes, de la musique ou des œuvres de tiers ; lorsque le contenu le signale, il vous appartient d'obtenir ces droits.

7. Retrait. Nous pouvons retirer un contenu (par exemple pour des raisons juridiques ou de sécurité). Une fois informé, ne l'utilisez plus et retirez-le lorsque c'est raisonnablement possible.

8. Archives. Vous pouvez conserver les contenus dans vos archives et les réutiliser selon les présentes conditions.

9. Responsabilité. Les contenus sont fournis en l'état, sans garantie. Nous ne sommes pas responsables de l'usage qui en est fait.

10. Modifications. Nous pouvons modifier ces conditions ; il vous sera demandé d'accepter la nouvelle version avant votre prochain téléchargement."""


def publish_demo_terms(now: dt.datetime) -> TermsVersion:
    terms, _created = TermsVersion.objects.get_or_create(version=VERSION, defaults={
        "text_en": TEXT_EN, "text_fr": TEXT_FR, "published_at": now - dt.timedelta(days=30)})
    return terms
