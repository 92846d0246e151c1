<?xml version="1.0" encoding="utf-8"?>
<!--
  wirefeed: shows one of our RSS 2.0 or Atom 1.0 feeds as a page when it is
  opened in a browser (the feed links it with <?xml-stylesheet?>). XSLT 1.0,
  the version browsers run. Feed readers never apply it.
  RSS elements have no namespace; Atom's are in the Atom namespace, and both
  formats carry Media RSS images; so every path below names its namespace.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:media="http://search.yahoo.com/mrss/"
    exclude-result-prefixes="atom dc media">

  <xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>

  <!-- Exactly one side of each union exists: the RSS channel's or the Atom feed's. -->
  <xsl:variable name="title" select="/rss/channel/title | /atom:feed/atom:title"/>
  <xsl:variable name="description" select="/rss/channel/description | /atom:feed/atom:subtitle"/>
  <xsl:variable name="home" select="/rss/channel/link | /atom:feed/atom:link[@rel = 'alternate']/@href"/>
  <xsl:variable name="self" select="/rss/channel/atom:link[@rel = 'self']/@href | /atom:feed/atom:link[@rel = 'self']/@href"/>
  <xsl:variable name="next" select="/rss/channel/atom:link[@rel = 'next']/@href | /atom:feed/atom:link[@rel = 'next']/@href"/>
  <xsl:variable name="previous" select="/rss/channel/atom:link[@rel = 'previous']/@href | /atom:feed/atom:link[@rel = 'previous']/@href"/>

  <xsl:template match="/">
    <html>
      <xsl:if test="/rss/channel/language">
        <xsl:attribute name="lang"><xsl:value-of select="/rss/channel/language"/></xsl:attribute>
      </xsl:if>
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> (feed)</title>
        <style>
          body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
          h1 { font-size: 1.6rem; margin-bottom: .2rem; }
          h2 { font-size: 1.15rem; margin: 0 0 .2rem; }
          a { color: #0b5cad; }
          .note { background: #fff7d6; border: 1px solid #e8d48a; border-radius: 6px; padding: .7rem 1rem; }
          .note code { display: block; margin-top: .4rem; padding: .3rem .5rem; background: #fff; border: 1px solid #ddd; overflow-wrap: anywhere; user-select: all; }
          article { border-top: 1px solid #ddd; padding: 1.2rem 0; }
          .meta, .categories, figcaption { color: #555; font-size: .9rem; }
          .categories span { display: inline-block; background: #eef2f7; border-radius: 3px; padding: 0 .4rem; margin: 0 .3rem .2rem 0; }
          figure { margin: .6rem 0; }
          img { max-width: 100%; height: auto; }
          nav { border-top: 1px solid #ddd; padding-top: 1rem; }
        </style>
      </head>
      <body>
        <p class="note">
          <strong>This is a web feed.</strong> To follow it, copy its address into your feed reader
          (any app that reads RSS or Atom):
          <code><xsl:value-of select="$self"/></code>
        </p>
        <h1><xsl:value-of select="$title"/></h1>
        <xsl:if test="normalize-space($description) != ''">
          <p><xsl:value-of select="$description"/></p>
        </xsl:if>
        <xsl:if test="$home">
          <p><a href="{$home}">Visit the site</a></p>
        </xsl:if>
        <xsl:apply-templates select="/rss/channel/item | /atom:feed/atom:entry"/>
        <xsl:if test="not(/rss/channel/item | /atom:feed/atom:entry)">
          <p>No stories in this feed yet.</p>
        </xsl:if>
        <xsl:if test="$previous or $next">
          <nav>
            <xsl:if test="$previous"><a href="{$previous}" rel="prev">Newer stories</a></xsl:if>
            <xsl:if test="$previous and $next"> · </xsl:if>
            <xsl:if test="$next"><a href="{$next}" rel="next">Older stories</a></xsl:if>
          </nav>
        </xsl:if>
      </body>
    </html>
  </xsl:template>

  <!-- An RSS item's summary is HTML-escaped text (RSS 2.0 description is HTML). -->
  <xsl:template match="item">
    <xsl:call-template name="story">
      <xsl:with-param name="title" select="title"/>
      <xsl:with-param name="link" select="link"/>
      <xsl:with-param name="date" select="pubDate"/>
      <xsl:with-param name="author" select="dc:creator | author[not(../dc:creator)]"/>
      <xsl:with-param name="categories" select="category"/>
      <xsl:with-param name="summary">
        <xsl:call-template name="unescape">
          <xsl:with-param name="text" select="description"/>
        </xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="image" select="media:content[@medium = 'image'][1]"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="atom:entry">
    <xsl:variable name="when" select="(atom:published | atom:updated[not(../atom:published)])[1]"/>
    <xsl:call-template name="story">
      <xsl:with-param name="title" select="atom:title"/>
      <xsl:with-param name="link" select="(atom:link[@rel = 'alternate' or not(@rel)])[1]/@href"/>
      <!-- RFC 3339 in UTC, as we write it: "2026-11-18T17:40:00.000Z" → "2026-11-18 17:40 UTC". -->
      <xsl:with-param name="date" select="concat(substring($when, 1, 10), ' ', substring($when, 12, 5), ' UTC')"/>
      <xsl:with-param name="author" select="atom:author/atom:name"/>
      <xsl:with-param name="categories" select="atom:category/@label | atom:category[not(@label)]/@term"/>
      <xsl:with-param name="summary" select="atom:summary"/>
      <xsl:with-param name="image" select="media:content[@medium = 'image'][1]"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="story">
    <xsl:param name="title"/>
    <xsl:param name="link"/>
    <xsl:param name="date"/>
    <xsl:param name="author"/>
    <xsl:param name="categories"/>
    <xsl:param name="summary"/>
    <xsl:param name="image"/>
    <article>
      <h2>
        <xsl:choose>
          <!-- Only web links: a feed could carry any URI scheme. -->
          <xsl:when test="starts-with($link, 'https://') or starts-with($link, 'http://')">
            <a href="{$link}"><xsl:value-of select="$title"/></a>
          </xsl:when>
          <xsl:otherwise><xsl:value-of select="$title"/></xsl:otherwise>
        </xsl:choose>
      </h2>
      <p class="meta">
        <xsl:value-of select="$date"/>
        <xsl:for-each select="$author">
          <xsl:text> · </xsl:text>
          <xsl:value-of select="."/>
        </xsl:for-each>
      </p>
      <xsl:if test="$categories">
        <p class="categories">
          <xsl:for-each select="$categories">
            <span><xsl:value-of select="."/></span>
          </xsl:for-each>
        </p>
      </xsl:if>
      <xsl:if test="starts-with($image/@url, 'https://') or starts-with($image/@url, 'http://')">
        <figure>
          <img src="{$image/@url}" alt="{$image/media:description}" loading="lazy"/>
          <xsl:if test="$image/media:description or $image/media:credit">
            <figcaption>
              <xsl:value-of select="$image/media:description"/>
              <xsl:if test="$image/media:description and $image/media:credit">
                <xsl:text> </xsl:text>
              </xsl:if>
              <xsl:if test="$image/media:credit">
                <small>(<xsl:value-of select="$image/media:credit"/>)</small>
              </xsl:if>
            </figcaption>
          </xsl:if>
        </figure>
      </xsl:if>
      <xsl:if test="normalize-space($summary) != ''">
        <p><xsl:value-of select="$summary"/></p>
      </xsl:if>
    </article>
  </xsl:template>

  <!--
    Text from HTML-escaped text: &lt; &gt; &quot; &#39; and, last, &amp;, so
    that "&amp;lt;" becomes "&lt;" and not "<". XSLT 1.0 has no replace():
    each step is a recursive substitution.
  -->
  <xsl:template name="unescape">
    <xsl:param name="text"/>
    <xsl:variable name="lt">
      <xsl:call-template name="replace">
        <xsl:with-param name="text" select="string($text)"/>
        <xsl:with-param name="from" select="'&amp;lt;'"/>
        <xsl:with-param name="to" select="'&lt;'"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="gt">
      <xsl:call-template name="replace">
        <xsl:with-param name="text" select="string($lt)"/>
        <xsl:with-param name="from" select="'&amp;gt;'"/>
        <xsl:with-param name="to" select="'&gt;'"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="quot">
      <xsl:call-template name="replace">
        <xsl:with-param name="text" select="string($gt)"/>
        <xsl:with-param name="from" select="'&amp;quot;'"/>
        <xsl:with-param name="to" select="'&quot;'"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="apos">
      <xsl:call-template name="replace">
        <xsl:with-param name="text" select="string($quot)"/>
        <xsl:with-param name="from" select="'&amp;#39;'"/>
        <xsl:with-param name="to">'</xsl:with-param>
      </xsl:call-template>
    </xsl:variable>
    <xsl:call-template name="replace">
      <xsl:with-param name="text" select="string($apos)"/>
      <xsl:with-param name="from" select="'&amp;amp;'"/>
      <xsl:with-param name="to" select="'&amp;'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="replace">
    <xsl:param name="text"/>
    <xsl:param name="from"/>
    <xsl:param name="to"/>
    <xsl:choose>
      <xsl:when test="contains($text, $from)">
        <xsl:value-of select="substring-before($text, $from)"/>
        <xsl:value-of select="$to"/>
        <xsl:call-template name="replace">
          <xsl:with-param name="text" select="substring-after($text, $from)"/>
          <xsl:with-param name="from" select="$from"/>
          <xsl:with-param name="to" select="$to"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$text"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
