"""HTML pages: one Jinja2 environment per language, plain view dicts per template.

Templates see small dicts built here, never the model itself, so a template can
not reach into files or change anything. Every value is escaped by Jinja2's
autoescape; story HTML was already sanitised when it was loaded.
"""

from __future__ import annotations

import base64
import gettext
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from site_builder import cache, i18n
from site_builder.assets import asset_names
from site_builder.content import kinds
from site_builder.content.model import Item, Page, Site, Translation
from site_builder.content.translations import with_fallback
from site_builder.errors import ContentError
from site_builder.messages import Msg
from site_builder.render import structured, variants
from site_builder.render.catalog_cache import site_translations
from site_builder.render.quick_env import QuickEnvironment
from site_builder.render.template_cache import use_cache
from site_builder.urls import Urls, list_page_count, pages_for

if TYPE_CHECKING:  # (the writer and its system imports: not for a type)
    from site_builder.writer import FileData


@dataclass(frozen=True)
class Rendered:
    """A rendered page: its bytes (or the unchanged file of the last build holding exactly
    those bytes) and the key of everything it was made from."""

    data: bytes | Path
    key: str = ""


@dataclass(init=False, slots=True)
class Output:
    """One file to write: its path below output/ and its bytes.

    `data` is the bytes, or a file that holds them (a page kept from the last build, a
    photo in the image cache); `key` is a hash of everything the bytes were made from,
    remembered so the next build can keep the file instead of making it again.
    """

    path: str
    data: FileData
    lang: str | None
    kind: str
    key: str

    def __init__(
        self,
        path: str,
        data: FileData | Rendered,
        lang: str | None = None,
        kind: str = "page",
        key: str = "",
    ) -> None:
        if isinstance(data, Rendered):
            self.data, self.key = data.data, key or data.key
        else:
            self.data, self.key = data, key
        self.path, self.lang, self.kind = path, lang, kind

    def bytes(self) -> bytes:
        return self.data if isinstance(self.data, bytes) else self.data.read_bytes()


def quick_gettext(translations: gettext.NullTranslations) -> Callable[..., str]:
    """The templates' `_` and `gettext`, as Jinja's i18n extension makes them with
    `newstyle=True` (jinja2/ext.py: the message translated, as Markup where autoescaping,
    then `%` its variables, always), in one call instead of three, and a message without
    variables translated once per renderer: a page calls `_` ~16 times, 130,000 calls in a
    2,000-item build."""
    done: dict[str, str] = {}
    lookup = translations.gettext

    @jinja2.pass_eval_context
    def _(eval_ctx: Any, string: str, /, **variables: Any) -> str:
        if not eval_ctx.autoescape:
            return lookup(string) % variables
        if variables:
            return Markup(lookup(string)) % variables
        rv = done.get(string)
        if rv is None:
            rv = done[string] = Markup(lookup(string)) % {}
        return rv

    return _


@dataclass
class HtmlRenderer:
    site: Site
    urls: Urls
    envs: dict[str, jinja2.Environment] = field(default_factory=dict)
    catalogs: dict[str, gettext.NullTranslations] = field(default_factory=dict)
    salt: str = ""
    views: dict[tuple[int, str], tuple[Item, dict[str, Any]]] = field(default_factory=dict)
    assets: dict[str, str] = field(default_factory=dict)  # theme file -> its hashed path

    def __post_init__(self) -> None:
        config = self.site.config
        self.assets = asset_names(config.templates_dir)
        loader = jinja2.FileSystemLoader(str(config.templates_dir))
        memo = cache.current()
        for lang in config.languages:
            env = QuickEnvironment(  # (jinja2.Environment, views' keys found at once)
                loader=loader,
                autoescape=True,
                extensions=["jinja2.ext.i18n"],
                undefined=jinja2.StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
                auto_reload=False,  # one renderer per build: no stat of templates per page
            )
            self.catalogs[lang] = site_translations(config.root / "locale", lang)
            env.install_gettext_translations(  # type: ignore[attr-defined]
                self.catalogs[lang], newstyle=True
            )
            env.globals["_"] = env.globals["gettext"] = quick_gettext(self.catalogs[lang])
            ui = ui_language(lang, self.catalogs[lang])
            env.globals.update(
                lang=lang,
                ui_lang=ui,  # the language the template's own words are shown in
                ui_mark=Markup(' lang="{}"').format(ui) if ui != lang else "",
                site_title=config.title.get(lang) or config.title[config.source_language],
                site_title_lang=lang if lang in config.title else config.source_language,
                languages=config.languages,
                language_name=i18n.language_name,
                language_in=lambda other, _l=ui: i18n.language_name(other, _l),
                price=lambda p, _l=lang: i18n.format_price(p, _l),
                day=lambda d, _l=lang: i18n.format_day(d, _l),
                csp_hash=csp_hash,
                base_path=config.base_path,
                asset=lambda name: config.base_path + self.assets[name],
            )
            if memo is not None:  # compiled once, kept between commands
                use_cache(env, memo.dir)
            self.envs[lang] = env

    def prepare(self) -> None:
        """Compile every page template and read Babel's data for every language now, once,
        before worker processes fork (each would otherwise do it again: ~3.5 MB and tens
        of ms per worker, and the write phase starts a worker per chunk)."""
        for lang, env in self.envs.items():
            for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
                if not name.startswith("print/"):
                    env.get_template(name)
            i18n.format_price((1000, 2000), lang)

    # --- the page kinds ---------------------------------------------------------------

    def render(self, template: str, lang: str, **context: Any) -> Rendered:
        """Render `template`; a page whose view and templates did not change since the last
        build is kept from it instead (the same bytes, without Jinja's work)."""
        memo = cache.current()
        key = ""
        if memo is not None:
            key = cache.digest(self._salt(), template, lang, repr(sorted(context.items())))
            kept = memo.kept(key)
            if kept is not None:
                return Rendered(kept, key)
        try:
            tpl = self.envs[lang].get_template(template)
            data = tpl.render(**context).encode("utf-8")
        except jinja2.TemplateError as exc:
            raise template_error(exc, self.site.config.templates_dir / template) from exc
        return Rendered(data, key)

    def _salt(self) -> str:
        """Everything a page depends on besides its view: templates, catalogs, site facts."""
        if not self.salt:
            config = self.site.config
            import babel

            versions = f"{cache.STAMP} jinja2 {jinja2.__version__} babel {babel.__version__}"
            parts: list[bytes | str] = [versions, repr(config), repr(self.site.categories)]
            for folder in (config.templates_dir, config.root / "locale"):
                for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
                    if path.is_file():
                        parts += [str(path.relative_to(folder)), path.read_bytes()]
            self.salt = cache.digest(*parts)
        return self.salt

    def chrome(
        self,
        lang: str,
        here: Callable[[str], str | None],
        title: str,
        translated: Callable[[str], bool] = lambda _lang: True,
    ) -> dict[str, Any]:
        """What every page needs: switcher, alternates, navigation, contact.

        `here(lang)` is this page's URL in another language (None if it has none);
        `translated(lang)` is False where that page only shows the fallback text, which
        is then left out of the hreflang alternates and points its canonical link at
        the original.
        """
        config = self.site.config
        langs = config.languages
        switch = [
            {"lang": other, "name": i18n.language_name(other), "url": url}
            for other in langs
            if other != lang and (url := here(other)) is not None
        ]
        alternates = [
            {"lang": other, "href": self.urls.absolute(url)}
            for other in langs
            if (url := here(other)) is not None and translated(other)
        ]
        canonical_lang = lang if translated(lang) else config.source_language
        _ = self.catalogs[lang].gettext
        nav = [
            {"url": self.urls.page(lang, k.name), "key": k.name, "label": _(k.menu)}
            for k in kinds.all_kinds()
        ]
        for page in self.site.pages:
            tr = with_fallback(page, lang, config)
            if tr is not None:
                nav.append(
                    {
                        "url": self.urls.page(lang, "pages", page.slug),
                        "key": "page",
                        "label": tr.title,
                        "lang": tr.lang,  # a fallback title is marked with its language
                    }
                )
        contact = config.contact
        return {
            "title": title,
            "switch": switch,
            "alternates": alternates,
            "x_default": self.urls.absolute(here(config.source_language) or self.urls.home(lang)),
            "canonical": self.urls.absolute(here(canonical_lang) or ""),
            "nav": nav,
            "home_url": self.urls.home(lang),
            "description": self.description(lang),  # pages with a summary of their own: theirs
            "print_url": self.urls.page(lang, "print"),  # the members' print page (members.py)
            "css_url": config.base_path + self.assets["site.css"],
            "js_url": config.base_path + self.assets["lang.js"],
            "icon_url": config.base_path + self.assets["favicon.svg"],
            "manifest_url": self.urls.url(self.urls.manifest_file(lang)),
            "contact": {
                "organisation": (contact.get("organisation") or {}).get(lang),
                "phone": contact.get("phone"),
                "email": contact.get("email"),
                "address": (contact.get("address") or {}).get(lang),
            },
        }

    def description(self, lang: str, text: Translation | None = None, lead: str = "") -> str:
        """The page's <meta name="description">, always in the page's language: the text's
        summary where it is written in `lang`, else `lead` (e.g. the list's title) with the
        site's tagline, else the site's title."""
        if text is not None and text.summary and text.lang == lang:
            return text.summary
        config = self.site.config
        tagline = config.tagline.get(lang) or ""
        if lead and tagline:
            return f"{lead}: {tagline}"
        return lead or tagline or config.title.get(lang) or config.title[config.source_language]

    def item_page(self, item: Item, lang: str) -> Output | None:
        tr = with_fallback(item, lang, self.site.config)
        if tr is None:
            return None
        context = self.chrome(lang, self._here(item), tr.title, item.translations.__contains__)
        context.update(
            description=self.description(lang, tr, tr.title if tr.lang == lang else ""),
            item=self.item_view(item, lang, tr),
            text=tr,
            jsonld=structured.product_jsonld(self.site, self.urls, item, tr, lang),
            social=structured.open_graph(self.site, self.urls, item, tr, lang),
            offline=self.offline_urls(item),
            scanned_as=self.scanned_as(item),
        )
        return Output(
            self.urls.page_file(lang, item.kind, item.slug),
            self.render("item.html", lang, **context),
            lang,
        )

    def offline_urls(self, item: Item) -> list[str]:
        """What the service worker keeps once an item's page was opened (webapp.py): the
        item's page in every language it is shown in, and its booklet chapters."""
        config, urls = self.site.config, self.urls
        langs = [lang for lang in config.languages if with_fallback(item, lang, config)]
        out = [urls.page(lang, item.kind, item.slug) for lang in langs]
        for booklet in self.site.booklets:
            if item.key in booklet.entries:
                chapter = item.key.replace("/", "-")
                out += [urls.url(urls.booklet_file(lang, booklet.slug, chapter)) for lang in langs]
        return out

    def scanned_as(self, item: Item) -> list[str]:
        """The addresses on this site that printed codes lead to this item by: its code's
        landing page, an old code moved to it, its GS1 Digital Link. The service worker
        sends a scan of one of them, offline, to the item's kept page (webapp.py)."""
        urls, config = self.urls, self.site.config
        codes = [item.code, *(old for old, new in config.moved_codes.items() if new == item.code)]
        out = [urls.url(urls.landing_files(code)[0]) for code in codes]
        if item.facts.gtin:
            out.append(urls.url(urls.gs1_files(item.facts.gtin)[0]))
        return out

    def item_view(self, item: Item, lang: str, tr: Translation) -> dict[str, Any]:
        """What the templates show of an item (its page, and its card in every list);
        made once per item and language. Templates only read it."""
        memo = self.views.get((id(item), lang))
        if memo is not None and memo[0] is item:
            return memo[1]
        view = self._item_view(item, lang, tr)
        self.views[(id(item), lang)] = (item, view)
        return view

    def _item_view(self, item: Item, lang: str, tr: Translation) -> dict[str, Any]:
        facts = item.facts
        site = self.site
        view: dict[str, Any] = {
            "kind": item.kind,
            "code": item.code,
            "url": self.urls.page(lang, item.kind, item.slug),
            "title": tr.title,
            "summary": tr.summary,
            "fallback": tr.fallback,
            "text_lang": tr.lang,
            "price": i18n.format_price(item.price, lang),
            # a card (half a phone's width) names a range by where it starts: "from ..."
            "price_from": i18n.format_price((item.price[0], item.price[0]), lang),
            "ranged": item.price[0] != item.price[1],
            "commune": site.category_name("communes", facts.commune, lang),
            "commune_lang": self._named_in("communes", facts.commune, lang),
            "images": [  # <picture>: WebP + JPEG/PNG srcsets; `sizes` for the item page
                {
                    **variants.picture(
                        self.urls,
                        item.kind,
                        item.slug,
                        im,
                        tr.alt.get(im.file, ""),
                        variants.SIZES["photo"],
                    ),
                    "card_sizes": variants.SIZES["card"],  # the same image in a list of cards
                }
                for im in item.images
            ],
            "links": [
                {"kind": ln.kind, "href": ln.href, "display": ln.display} for ln in item.links
            ],
            "payment": self.payment_view(item),
            "short_url": self.urls.short_url(item.code),
            "qr_svg": self.urls.url(self.urls.qr_file(item.code, "svg")),
            "qr_png": self.urls.url(self.urls.qr_file(item.code, "png")),
            "fields": tr.fields,
        }
        own = kinds.get(item.kind)
        view.update((name, facts.own[name]) for name in own.view)
        group = facts.group
        view.update(
            facts_template=own.facts_template,  # partials showing the kind's own facts
            texts_template=own.texts_template,  # and its own translated fields
            group=site.category_name(own.group_table, group, lang),
            group_lang=self._named_in(own.group_table, group, lang),
        )
        return view

    def _named_in(self, table: str, key: str, lang: str) -> str:
        """The language `Site.category_name` gives that name in (it falls back to the source)."""
        names = self.site.categories[table][key]
        return lang if names.get(lang) else self.site.config.source_language

    def payment_view(self, item: Item) -> dict[str, Any] | None:
        pay = item.facts.payment
        if pay is None:
            return None
        payee = pay.account_name or item.facts.own[kinds.get(item.kind).maker_field]
        source = self.site.config.source_language
        return {
            "payee": payee,
            # the payee's (Vietnamese) name inside a sentence of any language: marked as such
            "payee_marked": Markup('<span lang="{}">{}</span>').format(source, payee),
            "bank": pay.bank.name,
            "account": pay.account,
            "amount": pay.amount,
            "note": pay.note_text,
            "qr_svg": self.urls.url(self.urls.pay_file(item.code, "svg")),
        }

    def listed(self, kind: str, lang: str) -> list[tuple[Item, Translation]]:
        """The items of `kind` shown in `lang` (each with the words it is shown in), in the
        list page's order: by title. The home page shows the first of them."""
        shown = []
        for item in self.site.items_of(kind):
            tr = with_fallback(item, lang, self.site.config)
            if tr is not None:
                shown.append((item, tr))
        shown.sort(key=lambda entry: _sort_key(entry[1].title))
        return shown

    def list_pages(self, kind: str, lang: str) -> list[Output]:
        """The kind's list in `lang`: `list_cards` cards a page, page 1 at the kind's own
        address (also when empty), each page linking to the others around it."""
        shown = self.listed(kind, lang)
        size = self.site.config.list_cards
        count = pages_for(len(shown), size)
        langs = self.site.config.languages
        others = {other: list_page_count(self.site, kind, other) for other in langs}
        _ = self.catalogs[lang].gettext
        name = _(kinds.get(kind).title)
        outputs = []
        for number in range(1, count + 1):
            chunk = shown[(number - 1) * size : number * size]
            title = name
            if count > 1:
                title = _("%(title)s, page %(number)s of %(count)s") % {
                    "title": name,
                    "number": i18n.format_count(number, lang),
                    "count": i18n.format_count(count, lang),
                }

            def here(other: str, number: int = number) -> str:
                """The same page of the other language's list, or its last (lists differ in
                length where a language leaves items out)."""
                return self.urls.list_page(other, kind, min(number, others[other]))

            context = self.chrome(lang, here, title)
            context.update(
                kind=kind,
                items=[self.item_view(item, lang, tr) for item, tr in chunk],
                description=self.description(lang, lead=title),
                pager=self._pager(kind, lang, number, count),
            )
            path = self.urls.list_file(lang, kind, number)
            outputs.append(Output(path, self.render("index.html", lang, **context), lang))
        return outputs

    def _pager(self, kind: str, lang: str, number: int, count: int) -> dict[str, Any] | None:
        """The links between a list's pages: previous, next, and the numbers of the first,
        the last and the two either side of this one (None: one page)."""
        if count == 1:
            return None
        shown = sorted({1, count, *range(max(1, number - 2), min(count, number + 2) + 1)})
        page = self.urls.list_page
        links: list[dict[str, Any] | None] = []  # None: a gap in the numbers
        for i, n in enumerate(shown):
            if i and n != shown[i - 1] + 1:
                links.append(None)
            links.append(
                {
                    "text": i18n.format_count(n, lang),
                    "url": page(lang, kind, n),
                    "current": n == number,
                }
            )
        return {
            "links": links,
            "previous": page(lang, kind, number - 1) if number > 1 else None,
            "next": page(lang, kind, number + 1) if number < count else None,
        }

    def free_page(self, page: Page, lang: str) -> Output | None:
        tr = with_fallback(page, lang, self.site.config)
        if tr is None:
            return None
        context = self.chrome(lang, self._here(page), tr.title, page.translations.__contains__)
        context.update(text=tr, description=self.description(lang, tr))
        return Output(
            self.urls.page_file(lang, "pages", page.slug),
            self.render("page.html", lang, **context),
            lang,
        )

    def home_page(self, lang: str) -> Output:
        config = self.site.config
        sections = []
        _ = self.catalogs[lang].gettext
        for kind in kinds.all_kinds():
            shown = self.listed(kind.name, lang)
            sections.append(
                {
                    "kind": kind.name,
                    "title": _(kind.title),
                    "url": self.urls.page(lang, kind.name),
                    "items": [
                        self.item_view(item, lang, tr) for item, tr in shown[: config.home_cards]
                    ],
                    "count": len(shown),  # more than the cards: a link to the list says so
                    "count_text": i18n.format_count(len(shown), lang),
                }
            )
        booklets = [
            {
                "title": b.title.get(lang) or b.title[config.source_language],
                "url": self.urls.url(self.urls.booklet_file(lang, b.slug)),
            }
            for b in self.site.booklets
        ]
        context = self.chrome(lang, self.urls.home, config.title.get(lang) or "")
        context.update(sections=sections, booklets=booklets, tagline=config.tagline.get(lang))
        return Output(self.urls.home_file(lang), self.render("home.html", lang, **context), lang)

    def _here(self, thing: Item | Page) -> Callable[[str], str | None]:
        kind = thing.kind if isinstance(thing, Item) else "pages"

        def here(other: str) -> str | None:
            if with_fallback(thing, other, self.site.config) is None:
                return None
            return self.urls.page(other, kind, thing.slug)

        return here


def ui_language(lang: str, catalog: gettext.NullTranslations) -> str:
    """The language a page's own words (buttons, labels, notices) are really shown in:
    `lang` when the project has a catalogue for it, else English, the words in the
    templates. A third language without a catalogue is then marked honestly."""
    if lang == "en" or type(catalog) is not gettext.NullTranslations:
        return lang
    return "en"


def csp_hash(text: str) -> Markup:
    """The CSP source expression allowing exactly this inline script or style."""
    digest = hashlib.sha256(str(text).encode("utf-8")).digest()
    return Markup("'sha256-" + base64.b64encode(digest).decode("ascii") + "'")


def _sort_key(title: str) -> str:
    from site_builder.markdown import slugify

    return slugify(title)


def template_error(exc: jinja2.TemplateError, template: Path) -> ContentError:
    """A template mistake as a member-facing error: the template, its line, the message."""
    line: int | None
    if isinstance(exc, jinja2.TemplateSyntaxError):
        path, line, message = Path(exc.filename or template), exc.lineno, str(exc.message)
    else:
        path, line, message = _template_file(exc) or template, _template_line(exc), str(exc)
    return ContentError(
        path,
        line,
        None,
        Msg("template error: {message}", message=message),
        Msg("Fix the template; the site was not changed."),
    )


def _template_file(exc: BaseException) -> Path | None:
    tb = exc.__traceback__
    found = None
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".html"):
            found = Path(name)
        tb = tb.tb_next
    return found


def _template_line(exc: BaseException) -> int | None:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".html"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
