var mt=Object.defineProperty;var qt=(r,t,e)=>t in r?mt(r,t,{enumerable:!0,configurable:!0,writable:!0,value:e}):r[t]=e;var g=(r,t)=>()=>(r&&(t=r(r=0)),t);var Wt=(r,t)=>{for(var e in t)mt(r,e,{get:t[e],enumerable:!0})};var N=(r,t,e)=>qt(r,typeof t!="symbol"?t+"":t,e);var j,B,X,$t,O,gt,Y,vt,tt,et=g(()=>{j=globalThis,B=j.ShadowRoot&&(j.ShadyCSS===void 0||j.ShadyCSS.nativeShadow)&&"adoptedStyleSheets"in Document.prototype&&"replace"in CSSStyleSheet.prototype,X=Symbol(),$t=new WeakMap,O=class{constructor(t,e,s){if(this._$cssResult$=!0,s!==X)throw Error("CSSResult is not constructable. Use `unsafeCSS` or `css` instead.");this.cssText=t,this.t=e}get styleSheet(){let t=this.o,e=this.t;if(B&&t===void 0){let s=e!==void 0&&e.length===1;s&&(t=$t.get(e)),t===void 0&&((this.o=t=new CSSStyleSheet).replaceSync(this.cssText),s&&$t.set(e,t))}return t}toString(){return this.cssText}},gt=r=>new O(typeof r=="string"?r:r+"",void 0,X),Y=(r,...t)=>{let e=r.length===1?r[0]:t.reduce((s,i,n)=>s+(o=>{if(o._$cssResult$===!0)return o.cssText;if(typeof o=="number")return o;throw Error("Value passed to 'css' function must be a 'css' function result: "+o+". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security.")})(i)+r[n+1],r[0]);return new O(e,r,X)},vt=(r,t)=>{if(B)r.adoptedStyleSheets=t.map(e=>e instanceof CSSStyleSheet?e:e.styleSheet);else for(let e of t){let s=document.createElement("style"),i=j.litNonce;i!==void 0&&s.setAttribute("nonce",i),s.textContent=e.cssText,r.appendChild(s)}},tt=B?r=>r:r=>r instanceof CSSStyleSheet?(t=>{let e="";for(let s of t.cssRules)e+=s.cssText;return gt(e)})(r):r});var Vt,Kt,Ft,Jt,Gt,Zt,q,yt,Qt,Xt,M,st,xt,bt,v,W=g(()=>{et();et();({is:Vt,defineProperty:Kt,getOwnPropertyDescriptor:Ft,getOwnPropertyNames:Jt,getOwnPropertySymbols:Gt,getPrototypeOf:Zt}=Object),q=globalThis,yt=q.trustedTypes,Qt=yt?yt.emptyScript:"",Xt=q.reactiveElementPolyfillSupport,M=(r,t)=>r,st={toAttribute(r,t){switch(t){case Boolean:r=r?Qt:null;break;case Object:case Array:r=r==null?r:JSON.stringify(r)}return r},fromAttribute(r,t){let e=r;switch(t){case Boolean:e=r!==null;break;case Number:e=r===null?null:Number(r);break;case Object:case Array:try{e=JSON.parse(r)}catch{e=null}}return e}},xt=(r,t)=>!Vt(r,t),bt={attribute:!0,type:String,converter:st,reflect:!1,useDefault:!1,hasChanged:xt};Symbol.metadata??=Symbol("metadata"),q.litPropertyMetadata??=new WeakMap;v=class extends HTMLElement{static addInitializer(t){this._$Ei(),(this.l??=[]).push(t)}static get observedAttributes(){return this.finalize(),this._$Eh&&[...this._$Eh.keys()]}static createProperty(t,e=bt){if(e.state&&(e.attribute=!1),this._$Ei(),this.prototype.hasOwnProperty(t)&&((e=Object.create(e)).wrapped=!0),this.elementProperties.set(t,e),!e.noAccessor){let s=Symbol(),i=this.getPropertyDescriptor(t,s,e);i!==void 0&&Kt(this.prototype,t,i)}}static getPropertyDescriptor(t,e,s){let{get:i,set:n}=Ft(this.prototype,t)??{get(){return this[e]},set(o){this[e]=o}};return{get:i,set(o){let h=i?.call(this);n?.call(this,o),this.requestUpdate(t,h,s)},configurable:!0,enumerable:!0}}static getPropertyOptions(t){return this.elementProperties.get(t)??bt}static _$Ei(){if(this.hasOwnProperty(M("elementProperties")))return;let t=Zt(this);t.finalize(),t.l!==void 0&&(this.l=[...t.l]),this.elementProperties=new Map(t.elementProperties)}static finalize(){if(this.hasOwnProperty(M("finalized")))return;if(this.finalized=!0,this._$Ei(),this.hasOwnProperty(M("properties"))){let e=this.properties,s=[...Jt(e),...Gt(e)];for(let i of s)this.createProperty(i,e[i])}let t=this[Symbol.metadata];if(t!==null){let e=litPropertyMetadata.get(t);if(e!==void 0)for(let[s,i]of e)this.elementProperties.set(s,i)}this._$Eh=new Map;for(let[e,s]of this.elementProperties){let i=this._$Eu(e,s);i!==void 0&&this._$Eh.set(i,e)}this.elementStyles=this.finalizeStyles(this.styles)}static finalizeStyles(t){let e=[];if(Array.isArray(t)){let s=new Set(t.flat(1/0).reverse());for(let i of s)e.unshift(tt(i))}else t!==void 0&&e.push(tt(t));return e}static _$Eu(t,e){let s=e.attribute;return s===!1?void 0:typeof s=="string"?s:typeof t=="string"?t.toLowerCase():void 0}constructor(){super(),this._$Ep=void 0,this.isUpdatePending=!1,this.hasUpdated=!1,this._$Em=null,this._$Ev()}_$Ev(){this._$ES=new Promise(t=>this.enableUpdating=t),this._$AL=new Map,this._$E_(),this.requestUpdate(),this.constructor.l?.forEach(t=>t(this))}addController(t){(this._$EO??=new Set).add(t),this.renderRoot!==void 0&&this.isConnected&&t.hostConnected?.()}removeController(t){this._$EO?.delete(t)}_$E_(){let t=new Map,e=this.constructor.elementProperties;for(let s of e.keys())this.hasOwnProperty(s)&&(t.set(s,this[s]),delete this[s]);t.size>0&&(this._$Ep=t)}createRenderRoot(){let t=this.shadowRoot??this.attachShadow(this.constructor.shadowRootOptions);return vt(t,this.constructor.elementStyles),t}connectedCallback(){this.renderRoot??=this.createRenderRoot(),this.enableUpdating(!0),this._$EO?.forEach(t=>t.hostConnected?.())}enableUpdating(t){}disconnectedCallback(){this._$EO?.forEach(t=>t.hostDisconnected?.())}attributeChangedCallback(t,e,s){this._$AK(t,s)}_$ET(t,e){let s=this.constructor.elementProperties.get(t),i=this.constructor._$Eu(t,s);if(i!==void 0&&s.reflect===!0){let n=(s.converter?.toAttribute!==void 0?s.converter:st).toAttribute(e,s.type);this._$Em=t,n==null?this.removeAttribute(i):this.setAttribute(i,n),this._$Em=null}}_$AK(t,e){let s=this.constructor,i=s._$Eh.get(t);if(i!==void 0&&this._$Em!==i){let n=s.getPropertyOptions(i),o=typeof n.converter=="function"?{fromAttribute:n.converter}:n.converter?.fromAttribute!==void 0?n.converter:st;this._$Em=i;let h=o.fromAttribute(e,n.type);this[i]=h??this._$Ej?.get(i)??h,this._$Em=null}}requestUpdate(t,e,s,i=!1,n){if(t!==void 0){let o=this.constructor;if(i===!1&&(n=this[t]),s??=o.getPropertyOptions(t),!((s.hasChanged??xt)(n,e)||s.useDefault&&s.reflect&&n===this._$Ej?.get(t)&&!this.hasAttribute(o._$Eu(t,s))))return;this.C(t,e,s)}this.isUpdatePending===!1&&(this._$ES=this._$EP())}C(t,e,{useDefault:s,reflect:i,wrapped:n},o){s&&!(this._$Ej??=new Map).has(t)&&(this._$Ej.set(t,o??e??this[t]),n!==!0||o!==void 0)||(this._$AL.has(t)||(this.hasUpdated||s||(e=void 0),this._$AL.set(t,e)),i===!0&&this._$Em!==t&&(this._$Eq??=new Set).add(t))}async _$EP(){this.isUpdatePending=!0;try{await this._$ES}catch(e){Promise.reject(e)}let t=this.scheduleUpdate();return t!=null&&await t,!this.isUpdatePending}scheduleUpdate(){return this.performUpdate()}performUpdate(){if(!this.isUpdatePending)return;if(!this.hasUpdated){if(this.renderRoot??=this.createRenderRoot(),this._$Ep){for(let[i,n]of this._$Ep)this[i]=n;this._$Ep=void 0}let s=this.constructor.elementProperties;if(s.size>0)for(let[i,n]of s){let{wrapped:o}=n,h=this[i];o!==!0||this._$AL.has(i)||h===void 0||this.C(i,void 0,n,h)}}let t=!1,e=this._$AL;try{t=this.shouldUpdate(e),t?(this.willUpdate(e),this._$EO?.forEach(s=>s.hostUpdate?.()),this.update(e)):this._$EM()}catch(s){throw t=!1,this._$EM(),s}t&&this._$AE(e)}willUpdate(t){}_$AE(t){this._$EO?.forEach(e=>e.hostUpdated?.()),this.hasUpdated||(this.hasUpdated=!0,this.firstUpdated(t)),this.updated(t)}_$EM(){this._$AL=new Map,this.isUpdatePending=!1}get updateComplete(){return this.getUpdateComplete()}getUpdateComplete(){return this._$ES}shouldUpdate(t){return!0}update(t){this._$Eq&&=this._$Eq.forEach(e=>this._$ET(e,this[e])),this._$EM()}updated(t){}firstUpdated(t){}};v.elementStyles=[],v.shadowRootOptions={mode:"open"},v[M("elementProperties")]=new Map,v[M("finalized")]=new Map,Xt?.({ReactiveElement:v}),(q.reactiveElementVersions??=[]).push("2.1.2")});function Mt(r,t){if(!ht(r)||!r.hasOwnProperty("raw"))throw Error("invalid template strings array");return wt!==void 0?wt.createHTML(t):t}function E(r,t,e=r,s){if(t===S)return t;let i=s!==void 0?e._$Co?.[s]:e._$Cl,n=H(t)?void 0:t._$litDirective$;return i?.constructor!==n&&(i?._$AO?.(!1),n===void 0?i=void 0:(i=new n(r),i._$AT(r,e,s)),s!==void 0?(e._$Co??=[])[s]=i:e._$Cl=i),i!==void 0&&(t=E(r,i._$AS(r,t.values),i,s)),t}var lt,At,V,wt,Ut,y,Nt,Yt,w,R,H,ht,te,it,T,St,Et,x,Ct,kt,Ot,dt,u,$e,ge,S,l,Pt,A,ee,D,rt,z,C,nt,ot,at,ct,se,Tt,K=g(()=>{lt=globalThis,At=r=>r,V=lt.trustedTypes,wt=V?V.createPolicy("lit-html",{createHTML:r=>r}):void 0,Ut="$lit$",y=`lit$${Math.random().toFixed(9).slice(2)}$`,Nt="?"+y,Yt=`<${Nt}>`,w=document,R=()=>w.createComment(""),H=r=>r===null||typeof r!="object"&&typeof r!="function",ht=Array.isArray,te=r=>ht(r)||typeof r?.[Symbol.iterator]=="function",it=`[ 	
\f\r]`,T=/<(?:(!--|\/[^a-zA-Z])|(\/?[a-zA-Z][^>\s]*)|(\/?$))/g,St=/-->/g,Et=/>/g,x=RegExp(`>|${it}(?:([^\\s"'>=/]+)(${it}*=${it}*(?:[^ 	
\f\r"'\`<>=]|("|')|))|$)`,"g"),Ct=/'/g,kt=/"/g,Ot=/^(?:script|style|textarea|title)$/i,dt=r=>(t,...e)=>({_$litType$:r,strings:t,values:e}),u=dt(1),$e=dt(2),ge=dt(3),S=Symbol.for("lit-noChange"),l=Symbol.for("lit-nothing"),Pt=new WeakMap,A=w.createTreeWalker(w,129);ee=(r,t)=>{let e=r.length-1,s=[],i,n=t===2?"<svg>":t===3?"<math>":"",o=T;for(let h=0;h<e;h++){let a=r[h],d,_,p=-1,c=0;for(;c<a.length&&(o.lastIndex=c,_=o.exec(a),_!==null);)c=o.lastIndex,o===T?_[1]==="!--"?o=St:_[1]!==void 0?o=Et:_[2]!==void 0?(Ot.test(_[2])&&(i=RegExp("</"+_[2],"g")),o=x):_[3]!==void 0&&(o=x):o===x?_[0]===">"?(o=i??T,p=-1):_[1]===void 0?p=-2:(p=o.lastIndex-_[2].length,d=_[1],o=_[3]===void 0?x:_[3]==='"'?kt:Ct):o===kt||o===Ct?o=x:o===St||o===Et?o=T:(o=x,i=void 0);let f=o===x&&r[h+1].startsWith("/>")?" ":"";n+=o===T?a+Yt:p>=0?(s.push(d),a.slice(0,p)+Ut+a.slice(p)+y+f):a+y+(p===-2?h:f)}return[Mt(r,n+(r[e]||"<?>")+(t===2?"</svg>":t===3?"</math>":"")),s]},D=class r{constructor({strings:t,_$litType$:e},s){let i;this.parts=[];let n=0,o=0,h=t.length-1,a=this.parts,[d,_]=ee(t,e);if(this.el=r.createElement(d,s),A.currentNode=this.el.content,e===2||e===3){let p=this.el.content.firstChild;p.replaceWith(...p.childNodes)}for(;(i=A.nextNode())!==null&&a.length<h;){if(i.nodeType===1){if(i.hasAttributes())for(let p of i.getAttributeNames())if(p.endsWith(Ut)){let c=_[o++],f=i.getAttribute(p).split(y),P=/([.?@])?(.*)/.exec(c);a.push({type:1,index:n,name:P[2],strings:f,ctor:P[1]==="."?nt:P[1]==="?"?ot:P[1]==="@"?at:C}),i.removeAttribute(p)}else p.startsWith(y)&&(a.push({type:6,index:n}),i.removeAttribute(p));if(Ot.test(i.tagName)){let p=i.textContent.split(y),c=p.length-1;if(c>0){i.textContent=V?V.emptyScript:"";for(let f=0;f<c;f++)i.append(p[f],R()),A.nextNode(),a.push({type:2,index:++n});i.append(p[c],R())}}}else if(i.nodeType===8)if(i.data===Nt)a.push({type:2,index:n});else{let p=-1;for(;(p=i.data.indexOf(y,p+1))!==-1;)a.push({type:7,index:n}),p+=y.length-1}n++}}static createElement(t,e){let s=w.createElement("template");return s.innerHTML=t,s}};rt=class{constructor(t,e){this._$AV=[],this._$AN=void 0,this._$AD=t,this._$AM=e}get parentNode(){return this._$AM.parentNode}get _$AU(){return this._$AM._$AU}u(t){let{el:{content:e},parts:s}=this._$AD,i=(t?.creationScope??w).importNode(e,!0);A.currentNode=i;let n=A.nextNode(),o=0,h=0,a=s[0];for(;a!==void 0;){if(o===a.index){let d;a.type===2?d=new z(n,n.nextSibling,this,t):a.type===1?d=new a.ctor(n,a.name,a.strings,this,t):a.type===6&&(d=new ct(n,this,t)),this._$AV.push(d),a=s[++h]}o!==a?.index&&(n=A.nextNode(),o++)}return A.currentNode=w,i}p(t){let e=0;for(let s of this._$AV)s!==void 0&&(s.strings!==void 0?(s._$AI(t,s,e),e+=s.strings.length-2):s._$AI(t[e])),e++}},z=class r{get _$AU(){return this._$AM?._$AU??this._$Cv}constructor(t,e,s,i){this.type=2,this._$AH=l,this._$AN=void 0,this._$AA=t,this._$AB=e,this._$AM=s,this.options=i,this._$Cv=i?.isConnected??!0}get parentNode(){let t=this._$AA.parentNode,e=this._$AM;return e!==void 0&&t?.nodeType===11&&(t=e.parentNode),t}get startNode(){return this._$AA}get endNode(){return this._$AB}_$AI(t,e=this){t=E(this,t,e),H(t)?t===l||t==null||t===""?(this._$AH!==l&&this._$AR(),this._$AH=l):t!==this._$AH&&t!==S&&this._(t):t._$litType$!==void 0?this.$(t):t.nodeType!==void 0?this.T(t):te(t)?this.k(t):this._(t)}O(t){return this._$AA.parentNode.insertBefore(t,this._$AB)}T(t){this._$AH!==t&&(this._$AR(),this._$AH=this.O(t))}_(t){this._$AH!==l&&H(this._$AH)?this._$AA.nextSibling.data=t:this.T(w.createTextNode(t)),this._$AH=t}$(t){let{values:e,_$litType$:s}=t,i=typeof s=="number"?this._$AC(t):(s.el===void 0&&(s.el=D.createElement(Mt(s.h,s.h[0]),this.options)),s);if(this._$AH?._$AD===i)this._$AH.p(e);else{let n=new rt(i,this),o=n.u(this.options);n.p(e),this.T(o),this._$AH=n}}_$AC(t){let e=Pt.get(t.strings);return e===void 0&&Pt.set(t.strings,e=new D(t)),e}k(t){ht(this._$AH)||(this._$AH=[],this._$AR());let e=this._$AH,s,i=0;for(let n of t)i===e.length?e.push(s=new r(this.O(R()),this.O(R()),this,this.options)):s=e[i],s._$AI(n),i++;i<e.length&&(this._$AR(s&&s._$AB.nextSibling,i),e.length=i)}_$AR(t=this._$AA.nextSibling,e){for(this._$AP?.(!1,!0,e);t!==this._$AB;){let s=At(t).nextSibling;At(t).remove(),t=s}}setConnected(t){this._$AM===void 0&&(this._$Cv=t,this._$AP?.(t))}},C=class{get tagName(){return this.element.tagName}get _$AU(){return this._$AM._$AU}constructor(t,e,s,i,n){this.type=1,this._$AH=l,this._$AN=void 0,this.element=t,this.name=e,this._$AM=i,this.options=n,s.length>2||s[0]!==""||s[1]!==""?(this._$AH=Array(s.length-1).fill(new String),this.strings=s):this._$AH=l}_$AI(t,e=this,s,i){let n=this.strings,o=!1;if(n===void 0)t=E(this,t,e,0),o=!H(t)||t!==this._$AH&&t!==S,o&&(this._$AH=t);else{let h=t,a,d;for(t=n[0],a=0;a<n.length-1;a++)d=E(this,h[s+a],e,a),d===S&&(d=this._$AH[a]),o||=!H(d)||d!==this._$AH[a],d===l?t=l:t!==l&&(t+=(d??"")+n[a+1]),this._$AH[a]=d}o&&!i&&this.j(t)}j(t){t===l?this.element.removeAttribute(this.name):this.element.setAttribute(this.name,t??"")}},nt=class extends C{constructor(){super(...arguments),this.type=3}j(t){this.element[this.name]=t===l?void 0:t}},ot=class extends C{constructor(){super(...arguments),this.type=4}j(t){this.element.toggleAttribute(this.name,!!t&&t!==l)}},at=class extends C{constructor(t,e,s,i,n){super(t,e,s,i,n),this.type=5}_$AI(t,e=this){if((t=E(this,t,e,0)??l)===S)return;let s=this._$AH,i=t===l&&s!==l||t.capture!==s.capture||t.once!==s.once||t.passive!==s.passive,n=t!==l&&(s===l||i);i&&this.element.removeEventListener(this.name,this,s),n&&this.element.addEventListener(this.name,this,t),this._$AH=t}handleEvent(t){typeof this._$AH=="function"?this._$AH.call(this.options?.host??this.element,t):this._$AH.handleEvent(t)}},ct=class{constructor(t,e,s){this.element=t,this.type=6,this._$AN=void 0,this._$AM=e,this.options=s}get _$AU(){return this._$AM._$AU}_$AI(t){E(this,t)}},se=lt.litHtmlPolyfillSupport;se?.(D,z),(lt.litHtmlVersions??=[]).push("3.3.3");Tt=(r,t,e)=>{let s=e?.renderBefore??t,i=s._$litPart$;if(i===void 0){let n=e?.renderBefore??null;s._$litPart$=i=new z(t.insertBefore(R(),n),n,void 0,e??{})}return i._$AI(r),i}});var pt,m,ie,Rt=g(()=>{W();W();K();K();pt=globalThis,m=class extends v{constructor(){super(...arguments),this.renderOptions={host:this},this._$Do=void 0}createRenderRoot(){let t=super.createRenderRoot();return this.renderOptions.renderBefore??=t.firstChild,t}update(t){let e=this.render();this.hasUpdated||(this.renderOptions.isConnected=this.isConnected),super.update(t),this._$Do=Tt(e,this.renderRoot,this.renderOptions)}connectedCallback(){super.connectedCallback(),this._$Do?.setConnected(!0)}disconnectedCallback(){super.disconnectedCallback(),this._$Do?.setConnected(!1)}render(){return S}};m._$litElement$=!0,m.finalized=!0,pt.litElementHydrateSupport?.({LitElement:m});ie=pt.litElementPolyfillSupport;ie?.({LitElement:m});(pt.litElementVersions??=[]).push("4.2.2")});var Ht=g(()=>{});var F=g(()=>{W();K();Rt();Ht()});function re(r,t){if(t.translation_key)return t.translation_key;let e=r.states[t.entity_id];if(t.entity_id.startsWith("binary_sensor.")&&e?.attributes.device_class==="battery")return"battery"}function ne(r){let t={};for(let e of Object.values(r.entities??{})){if(e.platform!==b||!e.device_id)continue;let s=re(r,e);s&&((t[e.device_id]??={})[s]=e.entity_id)}return t}function L(r){return r.name_by_user||r.name||""}function oe(r,t){return r.entries?.length&&!t.config_entries.some(e=>r.entries.includes(e))?!1:!r.devices?.length||r.devices.includes(t.id)}function ut(r,t){let e=ne(r),s=Object.keys(e).map(c=>r.devices?.[c]).filter(c=>c),i=s.filter(c=>c.entry_type==="service"),n=new Set(i.map(c=>c.id)),o=s.filter(c=>!n.has(c.id)&&oe(t,c)),h=new Set(o.map(c=>c.id)),a=(c,f)=>L(c.device).localeCompare(L(f.device)),d=c=>({device:c,entities:e[c.id]}),_=new Set(s.map(c=>c.via_device_id)),p=c=>n.has(c.via_device_id)&&(_.has(c.id)||!e[c.id].diagnose);return i.filter(c=>!t.entries?.length||c.config_entries.some(f=>t.entries.includes(f))).map(c=>{let f=o.filter($=>$.config_entries.some(U=>c.config_entries.includes(U))),Q=f.filter(p).map(d).sort(a).map($=>({sync:$,cameras:f.filter(U=>U.via_device_id===$.device.id).map(d).sort(a)})),Bt=new Set(Q.flatMap($=>[$.sync,...$.cameras].map(U=>U.device.id))),ft=f.filter($=>!Bt.has($.id)).map(d).sort(a);return ft.length&&Q.push({sync:null,cameras:ft}),{...d(c),groups:Q}}).filter(c=>c.groups.length||!h.size)}function Dt(r,t){let e={};for(let s of t)for(let i of s.groups)for(let n of[i.sync,...i.cameras]){let o=n&&r.states[n.entities.health]?.state;o&&(e[o]=(e[o]??0)+1)}return e}function zt(r){return r.reduce((t,e)=>t+e.groups.reduce((s,i)=>s+i.cameras.length+(i.sync?1:0),0),0)}var b,J=g(()=>{b="blink_health"});async function G(r){await Promise.all([r.loadBackendTranslation("entity",b),r.loadBackendTranslation("common",b)])}function Z(r,t,e){return r.localize(`component.${b}.common.${t}`,e)||t}var _t=g(()=>{J()});var It={};Wt(It,{BlinkHealthCardEditor:()=>I});function ae(r){return[{name:"title",selector:{text:{}}},{name:"entries",selector:{select:{multiple:!0,mode:"list",options:r.map(t=>({value:t.entry_id,label:t.title}))}}},{name:"devices",selector:{device:{integration:b,multiple:!0}}},{name:"compact",selector:{boolean:{}}}]}var I,jt=g(()=>{F();J();_t();I=class extends m{constructor(){super(),this._entries=[]}setConfig(t){this._config=t}firstUpdated(){G(this.hass).then(()=>this.requestUpdate()),this.hass.callWS({type:"config_entries/get",domain:b}).then(t=>this._entries=t).catch(()=>this._entries=[])}render(){return!this.hass||!this._config?u``:u`<ha-form
      .hass=${this.hass}
      .data=${this._config}
      .schema=${ae(this._entries)}
      .computeLabel=${t=>Z(this.hass,`card_option_${t.name}`)}
      @value-changed=${this._changed}
    ></ha-form>`}_changed(t){let e={...t.detail.value};for(let[s,i]of Object.entries(e))(i===""||i===!1||Array.isArray(i)&&!i.length)&&delete e[s];this.dispatchEvent(new CustomEvent("config-changed",{detail:{config:e},bubbles:!0,composed:!0}))}};N(I,"properties",{hass:{attribute:!1},_config:{state:!0},_entries:{state:!0}});customElements.get("blink-health-card-editor")||customElements.define("blink-health-card-editor",I)});F();J();F();var Lt=Y`
  ha-card { padding: 12px 16px 16px; overflow: hidden; }
  .header { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; justify-content: space-between; }
  .title { font-size: var(--ha-card-header-font-size, 1.5em); color: var(--ha-card-header-color, var(--primary-text-color)); }
  button { font: inherit; color: inherit; cursor: pointer; }
  .counts { display: flex; gap: 6px; flex-wrap: wrap; border: none; background: none; padding: 0; }
  .count { border-radius: 12px; padding: 2px 10px; font-size: 0.9em; font-weight: 500;
    color: var(--text-primary-color, #fff); }
  .count.problem { background: var(--error-color); }
  .count.warning, .count.blocked { background: var(--warning-color); }
  .count.ok { background: var(--success-color); }
  .account { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 10px 0 4px; padding: 8px 0;
    border-top: 1px solid var(--divider-color); border-bottom: 1px solid var(--divider-color); }
  .figure { cursor: pointer; white-space: nowrap; color: var(--primary-text-color); }
  .label { color: var(--secondary-text-color); }
  .group { margin-top: 12px; }
  .group-title { font-weight: 500; color: var(--secondary-text-color); text-transform: uppercase;
    font-size: 0.8em; letter-spacing: 0.05em; margin-bottom: 4px; }
  .device { padding: 8px 0; border-bottom: 1px solid var(--divider-color); }
  .device:last-child { border-bottom: none; }
  .device.camera { padding-left: 12px; }
  .compact .device { padding-top: 4px; padding-bottom: 4px; }
  .line { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
  .name { font-weight: 500; cursor: pointer; color: var(--primary-text-color); flex: 1 1 auto; min-width: 0; }
  .online { color: var(--secondary-text-color); }
  .health { border-radius: 10px; padding: 0 8px; font-size: 0.85em; cursor: pointer;
    border: 1px solid currentColor; }
  .health.ok { color: var(--success-color); }
  .health.warning, .health.blocked { color: var(--warning-color); }
  .health.problem { color: var(--error-color); }
  .dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; flex: none;
    background: var(--disabled-color, var(--secondary-text-color)); }
  .dot.on { background: var(--success-color); }
  .dot.off { background: var(--error-color); }
  .reasons { margin: 4px 0 0 18px; padding: 0 0 0 16px; color: var(--secondary-text-color); font-size: 0.9em; }
  .details { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 4px 0 0 18px; font-size: 0.9em; }
  .signal { display: inline-flex; align-items: flex-end; gap: 4px; cursor: pointer; }
  .bars { display: inline-flex; align-items: flex-end; gap: 2px; height: 12px; }
  .bars i { display: block; width: 4px; border-radius: 1px; background: var(--divider-color); }
  .bars i.lit { background: var(--success-color); }
  .bars.weak i.lit { background: var(--warning-color); }
  .battery.low { color: var(--error-color); }
  .buttons { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 0 18px; }
  .action { display: inline-flex; align-items: center; gap: 4px; padding: 4px 12px; border-radius: 16px;
    border: 1px solid var(--divider-color); background: var(--card-background-color, transparent);
    color: var(--primary-color); --mdc-icon-size: 18px; }
  .action[disabled] { opacity: 0.5; cursor: progress; }
  .empty { padding: 16px 0; color: var(--secondary-text-color); }
`;_t();var ce="/config/repairs",le=["problem","warning","blocked"];function he(r){history.pushState(null,"",r),window.dispatchEvent(new CustomEvent("location-changed",{detail:{replace:!1}}))}function de(r,t){let e=(new Date(t).getTime()-Date.now())/1e3;if(Number.isNaN(e))return"";let s=new Intl.RelativeTimeFormat(r.locale?.language??r.language,{numeric:"auto"});for(let[i,n]of[["day",86400],["hour",3600],["minute",60]])if(Math.abs(e)>=n)return s.format(Math.round(e/n),i);return s.format(Math.round(e),"second")}var k=class extends m{constructor(){super(),this._texts=!1,this._pressing=new Set}static async getConfigElement(){return await Promise.resolve().then(()=>(jt(),It)),document.createElement("blink-health-card-editor")}static getStubConfig(){return{}}setConfig(t){if(!t||typeof t!="object")throw new Error("Invalid configuration");for(let e of["entries","devices"])if(t[e]!==void 0&&!Array.isArray(t[e]))throw new Error(`${e} must be a list`);this._config=t}getCardSize(){return!this.hass||!this._config?3:2+zt(ut(this.hass,this._config))}getGridOptions(){return{columns:12,min_columns:6}}willUpdate(t){t.has("hass")&&this.hass&&this.hass.language!==this._language&&(this._language=this.hass.language,G(this.hass).then(()=>this._texts=!0))}_t(t,e){return Z(this.hass,t,e)}_state(t){let e=t&&this.hass.states[t];return e?this.hass.formatEntityState?this.hass.formatEntityState(e):e.state:""}_moreInfo(t){this.dispatchEvent(new CustomEvent("hass-more-info",{detail:{entityId:t},bubbles:!0,composed:!0}))}async _press(t){this._pressing=new Set([...this._pressing,t]);try{await this.hass.callService("button","press",{entity_id:t})}finally{let e=new Set(this._pressing);e.delete(t),this._pressing=e}}render(){if(!this.hass||!this._config||!this._texts)return u`<ha-card></ha-card>`;let t=ut(this.hass,this._config),e=!!this._config.compact;return u`
      <ha-card class=${e?"compact":"full"}>
        ${this._header(t)}
        ${t.length?t.map(s=>this._account(s,e)):u`<div class="empty">${this._t("card_no_devices")}</div>`}
      </ha-card>
    `}_header(t){let e=Dt(this.hass,t),s=le.filter(i=>e[i]);return u`
      <div class="header">
        <div class="title">${this._config.title??this._t("card_title")}</div>
        <button class="counts ${s.length?"bad":"good"}" @click=${()=>he(ce)}
          title=${this._t("card_open_repairs")}>
          ${s.length?s.map(i=>u`<span class="count ${i}">${this._t(`card_count_${i}`,{count:e[i]})}</span>`):u`<span class="count ok">${this._t("card_all_ok")}</span>`}
        </button>
      </div>
    `}_account(t,e){let s=t.entities,i=this.hass.states[s.cloud_reachable]?.state,n=(o,h)=>s[o]&&this.hass.states[s[o]]?u`<span class="figure" @click=${()=>this._moreInfo(s[o])}>
            <span class="label">${h}</span> ${this._state(s[o])}</span>`:l;return u`
      <div class="account">
        <span class="figure" @click=${()=>this._moreInfo(s.cloud_reachable)}>
          <span class="dot ${i==="on"?"on":"off"}"></span>
          <span class="label">${this._t("card_cloud")}</span> ${this._state(s.cloud_reachable)}
        </span>
        ${n("cloud_latency",this._t("card_latency"))}
        ${n("api_requests",this._t("card_requests"))}
        ${e?l:n("power_cycles_7d",this._t("card_power_cycles_7d"))}
        ${e?l:n("readds_7d",this._t("card_readds_7d"))}
      </div>
      ${t.groups.map(o=>this._group(o,e))}
    `}_group(t,e){return u`
      <div class="group">
        <div class="group-title">
          ${t.sync?L(t.sync.device):this._t("card_no_sync_module")}
        </div>
        ${t.sync?this._device(t.sync,e,!0):l}
        ${t.cameras.map(s=>this._device(s,e,!1))}
      </div>
    `}_bars(t,e){let s=t&&this.hass.states[t];if(!s)return l;let i=Number(s.state),n=Number.isFinite(i);return u`
      <span class="signal" title="${e}: ${this._state(t)}" @click=${()=>this._moreInfo(t)}>
        <span class="label">${e}</span>
        <span class="bars ${n&&i<=2?"weak":""}" aria-label="${e}: ${this._state(t)}">
          ${[1,2,3,4,5].map(o=>u`<i class=${n&&o<=i?"lit":""} style="height:${2+o*2}px"></i>`)}
        </span>
      </span>
    `}_device(t,e,s){let i=t.entities,n=this.hass.states[i.online]?.state,o=this.hass.states[i.health],h=o?.attributes.reasons,a=this.hass.states[i.last_heartbeat]?.state,d=this.hass.states[i.battery];return u`
      <div class="device ${s?"sync":"camera"} ${n==="off"?"offline":""}" data-device=${t.device.id}>
        <div class="line">
          <span class="dot ${n==="on"?"on":n==="off"?"off":"unknown"}"></span>
          <span class="name" @click=${()=>this._moreInfo(i.health??i.online)}>${L(t.device)}</span>
          <span class="online">${this._state(i.online)}</span>
          <span class="health ${o?.state??""}" @click=${()=>this._moreInfo(i.health)}>${this._state(i.health)}</span>
          ${e?this._bars(i.wifi_signal,this._t("card_wifi")):l}
        </div>
        ${e?l:u`
          ${Array.isArray(h)&&h.length?u`<ul class="reasons">${h.map(_=>u`<li>${typeof _=="string"?_:JSON.stringify(_)}</li>`)}</ul>`:l}
          <div class="details">
            ${this._bars(i.wifi_signal,this._t("card_wifi"))}
            ${this._bars(i.sync_signal,this._t("card_sync_link"))}
            ${a&&!["unknown","unavailable"].includes(a)?u`<span class="figure"><span class="label">${this._t("card_last_report")}</span> ${de(this.hass,a)}</span>`:l}
            ${d?u`<span class="figure battery ${d.state==="on"?"low":""}"><span class="label">${this._t("card_battery")}</span> ${this._state(i.battery)}</span>`:l}
            ${this._outages(i)}
          </div>
          ${this._buttons(i)}
        `}
      </div>
    `}_outages(t){return["outages_24h","last_outage","availability_7d"].filter(s=>t[s]&&this.hass.states[t[s]]).map(s=>u`<span class="figure outage" @click=${()=>this._moreInfo(t[s])}>
        <span class="label">${this._t(`card_${s}`)}</span> ${this._state(t[s])}</span>`)}_buttons(t){let e=[["power_cycle","mdi:restart","card_power_cycle"],["diagnose","mdi:stethoscope","card_troubleshoot"]].filter(([s])=>t[s]&&this.hass.states[t[s]]);return e.length?u`
      <div class="buttons">
        ${e.map(([s,i,n])=>{let o=t[s],h=this._pressing.has(o)||this.hass.states[o].state==="unavailable";return u`<button class="action ${s}" ?disabled=${h} @click=${()=>this._press(o)}>
            <ha-icon icon=${i}></ha-icon><span>${this._t(n)}</span></button>`})}
      </div>
    `:l}};N(k,"properties",{hass:{attribute:!1},_config:{state:!0},_texts:{state:!0},_language:{state:!0},_pressing:{state:!0}}),N(k,"styles",Lt);customElements.get("blink-health-card")||(customElements.define("blink-health-card",k),window.customCards=window.customCards||[],window.customCards.push({type:"blink-health-card",name:"Blink Health",description:"Every Blink camera and Sync Module: online, health, signal, battery and fixes.",preview:!0,documentationURL:"https://github.com/blink-health/blink-health#the-blink-health-card"}));
/*! Bundled license information:

@lit/reactive-element/css-tag.js:
  (**
   * @license
   * Copyright 2019 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

@lit/reactive-element/reactive-element.js:
lit-html/lit-html.js:
lit-element/lit-element.js:
  (**
   * @license
   * Copyright 2017 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

lit-html/is-server.js:
  (**
   * @license
   * Copyright 2022 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)
*/
